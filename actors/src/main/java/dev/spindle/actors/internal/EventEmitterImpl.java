package dev.spindle.actors.internal;

import dev.spindle.actors.EventEmitter;
import dev.spindle.actors.EventKey;
import dev.spindle.actors.EventListenerException;
import dev.spindle.actors.UnhandledErrorEventException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Actor-thread only. Node's EventEmitter. Each event's listeners are an array that is replaced,
 * never changed, when a listener comes or goes: an emit iterates the array it read, which is the
 * snapshot Node's semantics ask for, at no cost to the emit.
 */
public final class EventEmitterImpl implements EventEmitter {

    private static final Registration[] NONE = new Registration[0];

    private final Map<EventKey<?>, Registration[]> listeners = new LinkedHashMap<>();
    private final String owner;
    private final LeakWarning leakWarning;

    public EventEmitterImpl(String owner) {
        this.owner = owner;
        this.leakWarning = new LeakWarning(owner);
    }

    /**
     * One registration; identity matters, since one listener may be registered twice. A once
     * registration that has fired stays in the snapshots of emits already under way (a listener
     * that ran before it may have emitted the event again): {@code fired} makes those skip it, as
     * Node's once wrapper does.
     */
    private static final class Registration {
        final Listener<?> listener;
        final boolean once;
        boolean fired;

        Registration(Listener<?> listener, boolean once) {
            this.listener = listener;
            this.once = once;
        }
    }

    @Override
    public <T> EventEmitter on(EventKey<T> event, Listener<? super T> listener) {
        return add(event, listener, false, false);
    }

    @Override
    public <T> EventEmitter once(EventKey<T> event, Listener<? super T> listener) {
        return add(event, listener, true, false);
    }

    @Override
    public <T> CompletionStage<T> once(EventKey<T> event) {
        return NextEmission.of(this, event);
    }

    @Override
    public <T> EventEmitter prependListener(EventKey<T> event, Listener<? super T> listener) {
        return add(event, listener, false, true);
    }

    @Override
    public <T> EventEmitter prependOnceListener(EventKey<T> event, Listener<? super T> listener) {
        return add(event, listener, true, true);
    }

    private EventEmitter add(EventKey<?> event, Listener<?> listener, boolean once, boolean first) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(listener, "listener");
        if (listeners.containsKey(NEW_LISTENER)) {
            emit(NEW_LISTENER, new ListenerChange(event, listener));
        }
        Registration[] current = listeners.getOrDefault(event, NONE);
        Registration[] next = new Registration[current.length + 1];
        Registration added = new Registration(listener, once);
        if (first) {
            next[0] = added;
            System.arraycopy(current, 0, next, 1, current.length);
        } else {
            System.arraycopy(current, 0, next, 0, current.length);
            next[current.length] = added;
        }
        listeners.put(event, next);
        leakWarning.added(event, next.length);
        return this;
    }

    @Override
    public <T> EventEmitter off(EventKey<T> event, Listener<? super T> listener) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(listener, "listener");
        Registration[] current = listeners.get(event);
        if (current == null) {
            return this;
        }
        for (int i = current.length - 1; i >= 0; i--) {
            if (current[i].listener == listener) {
                remove(event, current, i);
                break;
            }
        }
        return this;
    }

    private void remove(EventKey<?> event, Registration[] current, int index) {
        Registration removed = current[index];
        leakWarning.removed(event, current.length - 1);
        if (current.length == 1) {
            listeners.remove(event);
        } else {
            Registration[] next = new Registration[current.length - 1];
            System.arraycopy(current, 0, next, 0, index);
            System.arraycopy(current, index + 1, next, index, current.length - index - 1);
            listeners.put(event, next);
        }
        if (listeners.containsKey(REMOVE_LISTENER)) {
            emit(REMOVE_LISTENER, new ListenerChange(event, removed.listener));
        }
    }

    @Override
    public <T> boolean emit(EventKey<T> event, T value) {
        // The type's identity first: the one check that every other emit pays.
        if (event.type() == Throwable.class && event.equals(ERROR)) {
            return emitError((Throwable) value);
        }
        Registration[] snapshot = listeners.get(event);
        if (snapshot == null) {
            return false;
        }
        run(event, snapshot, value);
        return true;
    }

    /** Node's order: the error monitors, then the error listeners, or the throw if there are none. */
    private boolean emitError(Throwable error) {
        Registration[] monitors = listeners.get(ERROR_MONITOR);
        if (monitors != null) {
            run(ERROR_MONITOR, monitors, error);
        }
        Registration[] handlers = listeners.get(ERROR);
        if (handlers == null) {
            throw new UnhandledErrorEventException(error);
        }
        run(ERROR, handlers, error);
        return true;
    }

    @SuppressWarnings("unchecked")
    private <T> void run(EventKey<T> event, Registration[] snapshot, T value) {
        for (Registration registration : snapshot) {
            if (registration.once) {
                if (registration.fired) {
                    continue;
                }
                registration.fired = true;
                removeRegistration(event, registration);
            }
            try {
                ((Listener<T>) registration.listener).on(value);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new EventListenerException(event, e);
            }
        }
    }

    /** Removes exactly this registration (not another of the same listener), if still there. */
    private void removeRegistration(EventKey<?> event, Registration registration) {
        Registration[] current = listeners.get(event);
        if (current == null) {
            return;
        }
        for (int i = 0; i < current.length; i++) {
            if (current[i] == registration) {
                remove(event, current, i);
                return;
            }
        }
    }

    @Override
    public int listenerCount(EventKey<?> event) {
        Registration[] current = listeners.get(event);
        return current == null ? 0 : current.length;
    }

    @Override
    public int listenerCount(EventKey<?> event, Listener<?> listener) {
        Objects.requireNonNull(listener, "listener");
        int count = 0;
        for (Registration registration : listeners.getOrDefault(event, NONE)) {
            if (registration.listener == listener) {
                count++;
            }
        }
        return count;
    }

    @Override
    @SuppressWarnings("unchecked") // each was registered for this event as a Listener<? super T>
    public <T> List<Listener<? super T>> listeners(EventKey<T> event) {
        Objects.requireNonNull(event, "event");
        Registration[] current = listeners.getOrDefault(event, NONE);
        List<Listener<? super T>> copy = new ArrayList<>(current.length);
        for (Registration registration : current) {
            copy.add((Listener<? super T>) registration.listener);
        }
        return Collections.unmodifiableList(copy);
    }

    @Override
    public Set<EventKey<?>> eventNames() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(listeners.keySet()));
    }

    @Override
    public EventEmitter removeAllListeners() {
        if (listeners.containsKey(REMOVE_LISTENER)) {
            for (EventKey<?> event : eventNames()) {
                if (!event.equals(REMOVE_LISTENER)) {
                    removeAllListeners(event);
                }
            }
            removeAllListeners(REMOVE_LISTENER);
        }
        // As Node does, what removeListener listeners added back meanwhile goes too, unheard.
        listeners.clear();
        leakWarning.clear();
        return this;
    }

    @Override
    public EventEmitter removeAllListeners(EventKey<?> event) {
        Objects.requireNonNull(event, "event");
        Registration[] present = listeners.get(event);
        if (present == null) {
            return this;
        }
        if (!listeners.containsKey(REMOVE_LISTENER)) {
            listeners.remove(event);
            leakWarning.removed(event, 0);
            return this;
        }
        // Node removes from the last registered to the first, emitting removeListener for each,
        // and only those present now: a removeListener listener that adds one back must not make
        // this loop run for ever. The array is a snapshot, since changes replace it.
        for (int i = present.length - 1; i >= 0; i--) {
            removeRegistration(event, present[i]);
        }
        return this;
    }

    @Override
    public EventEmitter setMaxListeners(int max) {
        leakWarning.setMaxListeners(max);
        return this;
    }

    @Override
    public int maxListeners() {
        return leakWarning.maxListeners();
    }

    @Override
    public String toString() {
        return "EventEmitter[" + owner + ", " + Arrays.toString(listeners.keySet().toArray()) + ']';
    }
}
