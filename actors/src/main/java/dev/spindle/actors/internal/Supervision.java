package dev.spindle.actors.internal;

import dev.spindle.actors.Behavior;
import dev.spindle.actors.SupervisorStrategy;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Actor-thread only. A supervised actor's strategy, the behavior it restarts from, and its recent
 * restarts (for the limit and the backoff).
 */
final class Supervision<M> {

    enum Decision { RESUME, RESTART, STOP, ESCALATE }

    private final SupervisorStrategy strategy;
    private final Behavior<M> initial;
    /** Restarts in the current window, and when the window began. */
    private int restarts;
    private long windowStart;
    /** The strategy that decided the last failure, when it was a restart. */
    private SupervisorStrategy.Restart lastRestart;
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
            case SupervisorStrategy.Restart restart -> withinLimit(restart, runtime.scheduler.nanoTime())
                    ? Decision.RESTART : Decision.STOP;
            case SupervisorStrategy.Decide ignored -> throw new AssertionError("resolved above");
        };
    }

    private boolean withinLimit(SupervisorStrategy.Restart restart, long now) {
        long window = restart.window().toNanos();
        if (restarts == 0 || now - windowStart > window) {
            restarts = 0;
            windowStart = now;
        }
        if (restarts >= restart.maxRestarts()) {
            return false;
        }
        restarts++;
        generation++;
        lastRestart = restart;
        return true;
    }

    /** {@return the wait before the restart just decided: min * 2^(n-1), capped at max, plus jitter} */
    long nextBackoffNanos() {
        SupervisorStrategy.Restart restart = lastRestart;
        long min = restart.minBackoff().toNanos();
        if (min <= 0) {
            return 0;
        }
        long max = restart.maxBackoff().toNanos();
        int doublings = Math.min(restarts - 1, 62);
        long backoff = min;
        for (int i = 0; i < doublings && backoff < max; i++) {
            backoff = backoff > max / 2 ? max : backoff * 2;
        }
        backoff = Math.min(backoff, max);
        if (restart.jitter() > 0) {
            backoff += (long) (backoff * restart.jitter() * ThreadLocalRandom.current().nextDouble());
        }
        return backoff;
    }
}
