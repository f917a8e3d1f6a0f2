package dev.spindle.actors;

/**
 * Immutable. Running totals of an {@link ActorSystem} since it started, for monitoring: a snapshot
 * from {@link ActorSystem#stats()}, each count read on its own. Messages processed and busy time
 * are added up by each thread as its run of turns starts, yields (every few hundred turns) or
 * ends, so while actors work they lag by at most that run per thread; once the system is quiet
 * they are exact.
 *
 * @param spawned   actors spawned, children included (an actor that failed to spawn is not counted)
 * @param stopped   actors that have stopped
 * @param processed user messages handed to behaviors
 * @param busyNanos wall time threads spent running actors' turns, in nanoseconds (a handler that
 *                  blocks counts while it blocks)
 * @param restarts  restarts by supervision
 */
public record ActorSystemStats(long spawned, long stopped, long processed, long busyNanos, long restarts) {

    /** {@return actors spawned and not yet stopped} */
    public long alive() {
        return spawned - stopped;
    }
}
