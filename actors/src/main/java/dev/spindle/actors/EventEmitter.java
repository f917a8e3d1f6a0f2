package dev.spindle.actors;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

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
 * would crash the process; {@link #ERROR_MONITOR}'s listeners see it first either way. Registering
 * more than {@link #maxListeners()} listeners for one event logs a possible-leak warning, once
 * until the event is down to one listener again (default 10; 0 means unlimited).
 */
public interface EventEmitter {

    /** Emitted with the error of a failed operation; with no listener, {@code emit} throws. */
    EventKey<Throwable> ERROR = EventKey.of("error", Throwable.class);

    /**
     * Node's {@code events.errorMonitor}: emitted with each {@link #ERROR} before its listeners
     * run. Listening to it does not count as handling errors: with no {@code ERROR} listener,
     * {@code emit} still throws, after the monitors ran.
     */
    EventKey<Throwable> ERROR_MONITOR = EventKey.of("errorMonitor", Throwable.class);

    /** Emitted before a listener is added (not for itself). */
    EventKey<ListenerChange> NEW_LISTENER = EventKey.of("newListener", ListenerChange.class);

    /** Emitted after a listener is removed. */
    EventKey<ListenerChange> REMOVE_LISTENER = EventKey.of("removeListener", ListenerChange.class);

    /** Adds a listener at the end. Adding the same listener twice makes it run twice, as in Node. */
    <T> EventEmitter on(EventKey<T> event, Listener<? super T> listener);

    /** Adds a listener that is removed before its first call. */
    <T> EventEmitter once(EventKey<T> event, Listener<? super T> listener);

    /**
     * Node's {@code events.once(emitter, name)}: a stage that completes with the event's next
     * value. Until then it holds a once listener for the event and one for {@link #ERROR}; an
     * error emitted first completes it exceptionally with that error (and counts as handled), and
     * whichever comes first removes both. For {@code ERROR} itself it completes normally with the
     * error. The stage completes inside the emit, on the actor's thread, which runs the stages
     * that depend on it there and then; never wait for it on the actor's thread (only that thread
     * can emit), hand it to {@link ActorContext#pipeToSelf} to get a message instead. Like a
     * promise it cannot be settled from outside: its future's {@code complete}, {@code cancel}
     * and the like throw {@link UnsupportedOperationException}.
     */
    <T> CompletionStage<T> once(EventKey<T> event);

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

    /** {@return how many times {@code listener} is registered for the event, once or not} */
    int listenerCount(EventKey<?> event, Listener<?> listener);

    /**
     * {@return a copy of the event's listeners, in the order they run} The listeners given to
     * {@code once} appear as they were given: the copy does not change when they fire.
     */
    <T> List<Listener<? super T>> listeners(EventKey<T> event);

    /** {@return the events that have listeners, in the order they first got one} */
    Set<EventKey<?>> eventNames();

    /**
     * Removes every listener of every event (emitting {@link #REMOVE_LISTENER} for each, its own
     * listeners' last), then drops what {@code REMOVE_LISTENER} listeners added meanwhile.
     */
    EventEmitter removeAllListeners();

    /**
     * Removes every listener the event has now, the last added first (emitting
     * {@link #REMOVE_LISTENER} for each); one that a {@code REMOVE_LISTENER} listener adds
     * meanwhile stays.
     */
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
