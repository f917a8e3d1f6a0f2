package dev.spindle.actors;

/**
 * Immutable. A lifecycle event the runtime delivers to a behavior's
 * {@link Behavior#receiveSignal}, in order with its messages, on the actor's own thread.
 */
public sealed interface Signal permits Signal.PreRestart, Signal.PostStop, Signal.Terminated {

    /** The actor failed and is about to restart: the last chance to release what it holds. */
    record PreRestart(Throwable cause) implements Signal {
    }

    /** The actor has stopped: its children are stopped, and no message will follow. */
    record PostStop() implements Signal {
    }

    /**
     * A watched actor has stopped; delivered exactly once per {@code watch}, unless
     * {@code unwatch} came first.
     *
     * @param ref     the actor that stopped
     * @param failure why it stopped, if it failed and was not restarted; {@code null} otherwise
     */
    record Terminated(ActorRef<?> ref, Throwable failure) implements Signal {
    }
}
