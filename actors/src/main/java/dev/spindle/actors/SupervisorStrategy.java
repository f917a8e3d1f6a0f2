package dev.spindle.actors;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Immutable. What a supervised actor does when its behavior throws: restart it with fresh state,
 * resume with the state it had, stop it, or escalate the failure to its parent. Chosen by whoever
 * wraps the behavior with {@link Behavior#supervise}, usually the parent that spawns it; an actor
 * with no supervisor stops when it throws. Either way the failure is logged and no other actor
 * notices, except watchers (a {@link Signal.Terminated} with the failure) and, for escalation, the
 * parent.
 */
public sealed interface SupervisorStrategy {

    /** {@return restart at once, at most 10 times within a minute, then stop} */
    static Restart restart() {
        return new Restart(Duration.ZERO, Duration.ZERO, 0.0, 10, Duration.ofMinutes(1));
    }

    /** {@return keep the state the behavior had and go on with the next message} */
    static SupervisorStrategy resume() {
        return Resume.INSTANCE;
    }

    /** {@return stop the actor; its watchers see the failure in their {@link Signal.Terminated}} */
    static SupervisorStrategy stop() {
        return Stop.INSTANCE;
    }

    /** {@return stop the actor and fail its parent with an {@link ActorFailedException}} */
    static SupervisorStrategy escalate() {
        return Escalate.INSTANCE;
    }

    /**
     * Decides per failure: {@code decider} maps the exception to the strategy for it.
     *
     * <pre>{@code
     * SupervisorStrategy.decide(e -> e instanceof IllegalStateException ? SupervisorStrategy.resume()
     *                                                                  : SupervisorStrategy.restart())
     * }</pre>
     */
    static SupervisorStrategy decide(Function<? super Throwable, ? extends SupervisorStrategy> decider) {
        return new Decide(decider);
    }

    /** Resume: the failing message is lost (and logged); the next one is handled as if nothing happened. */
    enum Resume implements SupervisorStrategy { INSTANCE }

    /** Stop: the actor stops as if its behavior had returned {@link Behavior#stopped()}. */
    enum Stop implements SupervisorStrategy { INSTANCE }

    /** Escalate: the actor stops and its parent fails with the failure. */
    enum Escalate implements SupervisorStrategy { INSTANCE }

    /**
     * Restart: the behavior gets {@link Signal.PreRestart}, its children are stopped and its timers
     * cancelled, and it starts again from the behavior it was spawned with. Messages that arrive
     * during a backoff are kept, in order, and handled after the restart, up to
     * {@link ActorSystemConfig#stashCapacity()}; beyond that they become dead letters
     * ({@link DeadLetter.Reason#MAILBOX_FULL}). The message whose handling failed is not retried.
     *
     * @param minBackoff  the wait before the first restart of a run of failures; zero restarts at once
     * @param maxBackoff  the cap on the wait, which doubles with each restart within the window
     * @param jitter      a random extra fraction of the wait, in {@code [0, 1]}, so that siblings
     *                    that fail together do not restart together
     * @param maxRestarts the most restarts within {@code window}; one more failure stops the actor
     * @param window      the window over which restarts are counted (sliding: a failure counts
     *                    for {@code window} after it); a quiet window resets the backoff too
     */
    record Restart(Duration minBackoff, Duration maxBackoff, double jitter, int maxRestarts, Duration window)
            implements SupervisorStrategy {

        public Restart {
            Objects.requireNonNull(minBackoff, "minBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            Objects.requireNonNull(window, "window");
            new Backoff(minBackoff, maxBackoff, jitter, maxRestarts, window); // validates, in one place
        }

        /** {@return the pacing of these restarts, as the value the cluster's worker restarts use too} */
        public Backoff backoff() {
            return new Backoff(minBackoff, maxBackoff, jitter, maxRestarts, window);
        }

        /** {@return this strategy, waiting from {@code min} to {@code max} (doubling) before each restart} */
        public Restart withBackoff(Duration min, Duration max, double jitter) {
            return new Restart(min, max, jitter, maxRestarts, window);
        }

        /** {@return this strategy, stopping the actor after {@code max} restarts within {@code window}} */
        public Restart withLimit(int max, Duration window) {
            return new Restart(minBackoff, maxBackoff, jitter, max, window);
        }
    }

    /** Per failure: the decider's strategy applies. */
    record Decide(Function<? super Throwable, ? extends SupervisorStrategy> decider) implements SupervisorStrategy {
        public Decide {
            Objects.requireNonNull(decider, "decider");
        }
    }
}
