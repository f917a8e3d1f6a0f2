package dev.spindle.actors;

import java.util.Set;

/**
 * Actor-thread only: Node's {@code EventEmitter}, owned by one actor and run on its thread, so
 * listeners need no locks. Obtained from {@link ActorContext#events()}.
 *
 * <p>Node's semantics: listeners run synchronously, in registration order (prepended ones first);
 * {@code emit} works on a snapshot of the listeners, so adding or removing one during an emit
 * affects the next emit, not this one; a {@code once} listener is removed before it is called;
 * {@link #NEW_LISTENER} is emitted before a listener is added and {@link #REMOVE_LISTENER} after
 * one is removed; a listener that throws stops the emit and the exception propagates to the
 * emitter's caller. Emitting {@link #ERROR} with no listener for it throws the error (wrapped in
 * {@link UnhandledErrorEventException}): the actor fails and its supervision decides, where Node
 * would crash the process. Registering more than {@link #maxListeners()} listeners for one event
 * logs a possible-leak warning, once per event (default 10; 0 means unlimited).
 */
public interface EventEmitter {

    /** Emitted with the error of a failed operation; with no listener, {@code emit} throws. */
    EventKey<Throwable> ERROR = EventKey.of("error", Throwable.class);

    /** Emitted before a listener is added (not for itself). */
    EventKey<ListenerChange> NEW_LISTENER = EventKey.of("newListener", ListenerChange.class);

    /** Emitted after a listener is removed. */
    EventKey<ListenerChange> REMOVE_LISTENER = EventKey.of("removeListener", ListenerChange.class);

    /** Adds a listener at the end. Adding the same listener twice makes it run twice, as in Node. */
    <T> EventEmitter on(EventKey<T> event, Listener<? super T> listener);

    /** Adds a listener that is removed before its first call. */
    <T> EventEmitter once(EventKey<T> event, Listener<? super T> listener);

    /** Adds a listener at the front. */
    <T> EventEmitter prependListener(EventKey<T> event, Listener<? super T> listener);

    /** Adds a one-time listener at the front. */
    <T> EventEmitter prependOnceListener(EventKey<T> event, Listener<? super T> listener);

    /** Removes the most recently added registration of {@code listener} for the event, if any. */
    <T> EventEmitter off(EventKey<T> event, Listener<? super T> listener);

    /**
     * Calls the event's listeners with {@code value}, in order.
     *
     * @return whether the event had listeners
     * @throws UnhandledErrorEventException if the event is {@link #ERROR} and has no listener
     * @throws EventListenerException       if a listener threw a checked exception (unchecked
     *                                      ones propagate as they are)
     */
    <T> boolean emit(EventKey<T> event, T value);

    /** {@return how many listeners the event has} */
    int listenerCount(EventKey<?> event);

    /** {@return the events that have listeners, in the order they first got one} */
    Set<EventKey<?>> eventNames();

    /** Removes every listener of every event (emitting {@link #REMOVE_LISTENER} for each). */
    EventEmitter removeAllListeners();

    /** Removes every listener of the event. */
    EventEmitter removeAllListeners(EventKey<?> event);

    /** Sets the leak-warning threshold per event; 0 means unlimited. */
    EventEmitter setMaxListeners(int max);

    /** {@return the leak-warning threshold per event} */
    int maxListeners();

    /**
     * Actor-thread only. Handles an event's value.
     *
     * @param <T> the type of the value
     */
    @FunctionalInterface
    interface Listener<T> {
        void on(T value) throws Exception;
    }

    /**
     * Immutable. The value of {@link #NEW_LISTENER} and {@link #REMOVE_LISTENER}.
     *
     * @param event    the event whose listeners change
     * @param listener the listener added or removed
     */
    record ListenerChange(EventKey<?> event, Listener<?> listener) {
    }
}
