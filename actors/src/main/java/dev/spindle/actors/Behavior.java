package dev.spindle.actors;

import dev.spindle.actors.internal.Behaviors;

import java.util.Objects;
import java.util.function.Function;

/**
 * Immutable, and safe to share between actors when it holds no mutable state. What an actor does
 * with its next message: a function of the context and the message that returns the behavior for
 * the message after it.
 *
 * <p>A protocol is a {@code sealed interface} of {@code record}s and a behavior is an exhaustive
 * {@code switch} over it:
 * <pre>{@code
 * sealed interface Counter { record Add(int n) implements Counter {}  record Get(ActorRef<Integer> replyTo) implements Counter {} }
 *
 * static Behavior<Counter> counter(int total) {
 *     return (ctx, msg) -> switch (msg) {
 *         case Counter.Add(int n) -> counter(total + n);
 *         case Counter.Get(ActorRef<Integer> replyTo) -> { replyTo.tell(total); yield Behavior.same(); }
 *     };
 * }
 * }</pre>
 *
 * <p>Returning {@link #same()} keeps the current behavior, returning another behavior changes it
 * for the next message (become), returning {@link #stopped()} stops the actor. State lives in the
 * behavior's fields or captured variables, which only the actor's own thread ever touches.
 *
 * @param <M> the type of messages the actor accepts
 */
@FunctionalInterface
public interface Behavior<M> {

    /**
     * Actor-thread only. Handles one message.
     *
     * @return the behavior for the next message; {@link #same()} to keep this one
     * @throws Exception anything: the actor fails and its supervision decides what happens next
     */
    Behavior<M> receive(ActorContext<M> ctx, M message) throws Exception;

    /**
     * Actor-thread only. Handles a lifecycle signal ({@link Signal}); by default ignores it.
     *
     * @return the behavior for the next message; {@link #same()} to keep this one
     * @throws Exception anything: the actor fails and its supervision decides what happens next
     */
    default Behavior<M> receiveSignal(ActorContext<M> ctx, Signal signal) throws Exception {
        return same();
    }

    /** {@return this behavior, with {@code handler} answering its signals} */
    default Behavior<M> onSignal(SignalHandler<M> handler) {
        return Behaviors.withSignals(this, handler);
    }

    /**
     * A behavior built when the actor starts, on the actor's own thread, with its context: the place
     * to spawn children, start timers and set up state.
     */
    static <M> Behavior<M> setup(Function<ActorContext<M>, Behavior<M>> factory) {
        return Behaviors.setup(Objects.requireNonNull(factory, "factory"));
    }

    /** {@return the marker that keeps the current behavior} */
    static <M> Behavior<M> same() {
        return Behaviors.same();
    }

    /** {@return the marker that stops the actor once the current message is handled} */
    static <M> Behavior<M> stopped() {
        return Behaviors.stopped();
    }

    /** {@return the marker that keeps the current behavior and dead-letters the message as unhandled} */
    static <M> Behavior<M> unhandled() {
        return Behaviors.unhandled();
    }

    /** {@return a behavior that ignores every message (counting none as dead letters)} */
    static <M> Behavior<M> ignore() {
        return Behaviors.ignore();
    }

    /**
     * Thread-safe. Wraps a behavior in a supervisor: when the actor throws, {@code strategy} decides
     * whether it restarts, resumes, stops or escalates the failure to its parent.
     */
    static <M> Behavior<M> supervise(Behavior<M> behavior, SupervisorStrategy strategy) {
        return Behaviors.supervise(Objects.requireNonNull(behavior, "behavior"),
                Objects.requireNonNull(strategy, "strategy"));
    }

    /**
     * Handles signals for {@link #onSignal}.
     *
     * @param <M> the type of messages the actor accepts
     */
    @FunctionalInterface
    interface SignalHandler<M> {
        /**
         * Actor-thread only.
         *
         * @return the behavior for the next message; {@link Behavior#same()} to keep the current one
         */
        Behavior<M> apply(ActorContext<M> ctx, Signal signal) throws Exception;
    }
}
