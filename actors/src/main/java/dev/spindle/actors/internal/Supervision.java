package dev.spindle.actors.internal;

import dev.spindle.actors.Backoff;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.SupervisorStrategy;

/**
 * Actor-thread only. A supervised actor's strategy, the behavior it restarts from, and its recent
 * restarts (for the limit and the backoff).
 */
final class Supervision<M> {

    enum Decision { RESUME, RESTART, STOP, ESCALATE }

    private final SupervisorStrategy strategy;
    private final Behavior<M> initial;
    /** Failures decided as restarts (and the one that stopped it) within the strategy's window. */
    private final Backoff.Failures failures = new Backoff.Failures();
    /** The wait before the restart decided last. */
    private long nextBackoff;
    /** Tells a pending backoff's Restart message from a stale one. */
    private int generation;

    Supervision(SupervisorStrategy strategy, Behavior<M> initial) {
        this.strategy = strategy;
        this.initial = initial;
    }

    Behavior<M> initial() {
        return initial;
    }

    int generation() {
        return generation;
    }

    boolean isCurrent(int restartGeneration) {
        return restartGeneration == generation;
    }

    Decision decide(Throwable failure, Runtime runtime) {
        SupervisorStrategy chosen = strategy;
        for (int depth = 0; chosen instanceof SupervisorStrategy.Decide(var decider); depth++) {
            try {
                chosen = decider.apply(failure);
            } catch (RuntimeException e) {
                runtime.log.error("a supervisor's decider threw; the actor stops", e);
                return Decision.STOP;
            }
            if (chosen == null || depth > 10) {
                return Decision.STOP;
            }
        }
        return switch (chosen) {
            case SupervisorStrategy.Resume ignored -> Decision.RESUME;
            case SupervisorStrategy.Stop ignored -> Decision.STOP;
            case SupervisorStrategy.Escalate ignored -> Decision.ESCALATE;
            case SupervisorStrategy.Restart restart -> restartWithin(restart.backoff(), runtime.scheduler.nanoTime());
            case SupervisorStrategy.Decide ignored -> throw new AssertionError("resolved above");
        };
    }

    private Decision restartWithin(Backoff backoff, long now) {
        long wait = failures.next(backoff, now);
        if (wait == Backoff.GIVE_UP) {
            return Decision.STOP;
        }
        generation++;
        nextBackoff = wait;
        return Decision.RESTART;
    }

    /** {@return the wait before the restart just decided, in nanoseconds: the strategy's {@link Backoff}} */
    long nextBackoffNanos() {
        return nextBackoff;
    }
}
