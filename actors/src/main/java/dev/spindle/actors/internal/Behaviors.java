package dev.spindle.actors.internal;

import dev.spindle.actors.ActorContext;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.Signal;
import dev.spindle.actors.SupervisorStrategy;

import java.util.function.Function;

/**
 * Immutable. The behaviors behind {@link Behavior}'s factories: markers the runtime interprets
 * ({@code same}, {@code stopped}, {@code unhandled}) and wrappers it unwraps ({@code setup},
 * supervision, signal handlers).
 */
public final class Behaviors {

    private Behaviors() {
    }

    /** A marker: never run, only compared by identity. */
    private enum Marker implements Behavior<Object> {
        SAME, STOPPED, UNHANDLED;

        @Override
        public Behavior<Object> receive(ActorContext<Object> ctx, Object message) {
            throw new IllegalStateException(this + " is a marker, not a behavior to run: return it from a behavior");
        }
    }

    private enum Ignore implements Behavior<Object> {
        INSTANCE;

        @Override
        public Behavior<Object> receive(ActorContext<Object> ctx, Object message) {
            return Behavior.same();
        }
    }

    @SuppressWarnings("unchecked")
    public static <M> Behavior<M> same() {
        return (Behavior<M>) (Behavior<?>) Marker.SAME;
    }

    @SuppressWarnings("unchecked")
    public static <M> Behavior<M> stopped() {
        return (Behavior<M>) (Behavior<?>) Marker.STOPPED;
    }

    @SuppressWarnings("unchecked")
    public static <M> Behavior<M> unhandled() {
        return (Behavior<M>) (Behavior<?>) Marker.UNHANDLED;
    }

    @SuppressWarnings("unchecked")
    public static <M> Behavior<M> ignore() {
        return (Behavior<M>) (Behavior<?>) Ignore.INSTANCE;
    }

    public static <M> Behavior<M> setup(Function<ActorContext<M>, Behavior<M>> factory) {
        return new Setup<>(factory);
    }

    public static <M> Behavior<M> supervise(Behavior<M> behavior, SupervisorStrategy strategy) {
        return new Supervised<>(behavior, strategy);
    }

    public static <M> Behavior<M> withSignals(Behavior<M> behavior, Behavior.SignalHandler<M> handler) {
        return new WithSignals<>(behavior, handler);
    }

    public static boolean isSame(Behavior<?> behavior) {
        return behavior == Marker.SAME;
    }

    public static boolean isStopped(Behavior<?> behavior) {
        return behavior == Marker.STOPPED;
    }

    public static boolean isUnhandled(Behavior<?> behavior) {
        return behavior == Marker.UNHANDLED;
    }

    /** Whether the actor must run at spawn, rather than on its first message. */
    static boolean needsStart(Behavior<?> behavior) {
        return behavior instanceof Setup<?>
                || behavior instanceof Supervised<?> supervised && needsStart(supervised.behavior())
                || behavior instanceof WithSignals<?> withSignals && needsStart(withSignals.behavior());
    }

    /** {@return the behavior inside any supervision wrapper: the synchronous testkit lets failures through} */
    public static <M> Behavior<M> unwrapSupervision(Behavior<M> behavior) {
        Behavior<M> current = behavior;
        while (current instanceof Supervised<M> supervised) {
            current = supervised.behavior();
        }
        return current;
    }

    /**
     * Runs setups until a behavior that handles messages remains.
     *
     * @throws Exception what a setup threw
     */
    public static <M> Behavior<M> start(Behavior<M> behavior, ActorContext<M> ctx) throws Exception {
        Behavior<M> current = behavior;
        for (int depth = 0; ; depth++) {
            if (current instanceof Setup<M>(Function<ActorContext<M>, Behavior<M>> factory)) {
                current = factory.apply(ctx);
                if (current == null) {
                    throw new NullPointerException("setup returned null");
                }
                if (isSame(current) || isUnhandled(current)) {
                    throw new IllegalStateException("setup must return a behavior, not " + current);
                }
            } else if (current instanceof WithSignals<M> withSignals && withSignals.behavior() instanceof Setup<M>) {
                Behavior<M> inner = start(withSignals.behavior(), ctx);
                return isStopped(inner) ? inner : new WithSignals<>(inner, withSignals.handler());
            } else {
                return current;
            }
            if (depth > 100) {
                throw new IllegalStateException("setup returned a setup more than 100 times");
            }
        }
    }

    /** A behavior made on the actor's thread when it starts. */
    record Setup<M>(Function<ActorContext<M>, Behavior<M>> factory) implements Behavior<M> {
        @Override
        public Behavior<M> receive(ActorContext<M> ctx, M message) {
            throw new IllegalStateException("a setup behavior runs before any message");
        }
    }

    /** A behavior with a supervisor strategy, unwrapped by the cell. */
    public record Supervised<M>(Behavior<M> behavior, SupervisorStrategy strategy) implements Behavior<M> {
        @Override
        public Behavior<M> receive(ActorContext<M> ctx, M message) {
            throw new IllegalStateException("a supervised behavior is unwrapped before any message");
        }
    }

    /** A behavior whose signals go to a handler; keeps the handler across {@code same}. */
    record WithSignals<M>(Behavior<M> behavior, Behavior.SignalHandler<M> handler) implements Behavior<M> {
        @Override
        public Behavior<M> receive(ActorContext<M> ctx, M message) throws Exception {
            Behavior<M> next = behavior.receive(ctx, message);
            return isSame(next) ? this : next;
        }

        @Override
        public Behavior<M> receiveSignal(ActorContext<M> ctx, Signal signal) throws Exception {
            Behavior<M> next = handler.apply(ctx, signal);
            return isSame(next) ? this : next;
        }
    }
}
