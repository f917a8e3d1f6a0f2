package dev.spindle.perf.actors;

/**
 * Not thread-safe; one per benchmark JVM. An actor runtime under test: each scenario is written
 * once per runtime, in that runtime's idiomatic API, with the same messages and the same protocol.
 * Each call runs one iteration from a fresh start and returns its figure.
 */
interface Contender extends AutoCloseable {

    /** {@return messages per second: {@code pairs} pairs of actors bounce a ball {@code hits} times each} */
    double pingPong(int pairs, int hits) throws Exception;

    /**
     * {@return messages per second into one receiver: {@code senders} actors each send
     * {@code messages}, in windows of {@code window} acknowledged by the receiver (bounded memory)}
     */
    double fanIn(int senders, int messages, int window) throws Exception;

    /**
     * Spawns {@code count} idle children of one actor and keeps them alive until {@link #release()}.
     *
     * @return nanoseconds from the first spawn call to the last one returning
     */
    long spawn(int count) throws Exception;

    /**
     * {@return messages per second of {@code pairs} ping-pong pairs while {@code blockers} other
     * actors are blocked in their handlers, or 0 if the pairs stalled (did not finish in 30 s)}
     */
    double blocking(int blockers, int pairs, int hits) throws Exception;

    /** {@return milliseconds for skynet: a tree of 10^{@code depth} leaf actors, each level spawning 10, summing ids} */
    double skynet(int depth) throws Exception;

    /** {@return round trips per second: one actor offloads a small computation {@code count} times, one after another} */
    double offload(int count) throws Exception;

    /** {@return emits per second: one actor emits {@code count} events to one listener} */
    double emit(int count) throws Exception;

    /**
     * Savina's thread ring: {@code actors} actors in a ring pass a token {@code hops} times;
     * {@return hops per second, or 0 if not done within five minutes}
     */
    double threadRing(int actors, int hops) throws Exception;

    /**
     * Savina's counting actor: one sender tells a counter {@code messages} increments, then asks for
     * the count; {@return messages per second}
     */
    double counting(int messages) throws Exception;

    /**
     * Savina's fork-join throughput: {@code actors} actors each get {@code messages} messages, told
     * from one thread in turn, and do a little arithmetic per message; {@return messages per second}
     */
    double forkJoinThroughput(int actors, int messages) throws Exception;

    /**
     * Savina's fork-join creation: a parent creates {@code actors} children, tells each one message,
     * and each does a little arithmetic and stops; {@return actors per second}
     */
    double forkJoinCreation(int actors) throws Exception;

    /**
     * Savina's chameneos: a mall actor makes {@code creatures} chameneos, which come to it in pairs
     * to meet (both change colour, the pair's complement) until {@code meetings} meetings; then each
     * tells the mall how often it met and stops. {@return meetings per second}
     */
    double chameneos(int creatures, int meetings) throws Exception;

    /**
     * Savina's big: {@code actors} actors each ping a random other one and wait for its pong,
     * {@code pings} times, all at once. {@return messages (pings and pongs) per second}
     */
    double big(int actors, int pings) throws Exception;

    /**
     * Savina's banking: a teller makes {@code accounts} accounts and asks them for {@code transfers}
     * seeded random transfers at once; a source account debits, credits the destination and waits
     * for its acknowledgement, stashing the transfers asked of it meanwhile, then tells the teller.
     * {@return transfers per second}
     */
    double banking(int accounts, int transfers) throws Exception;

    /** Stops what {@link #spawn} made. */
    void release() throws Exception;

    @Override
    void close();
}
