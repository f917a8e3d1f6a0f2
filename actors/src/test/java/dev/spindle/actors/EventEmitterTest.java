package dev.spindle.actors;

import dev.spindle.actors.internal.EventEmitterImpl;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Node's EventEmitter semantics, on the emitter alone (it is single-threaded by contract). */
class EventEmitterTest {

    private static final EventKey<String> DATA = EventKey.of("data", String.class);
    private static final EventKey<Integer> COUNT = EventKey.of("count", Integer.class);

    private final EventEmitter emitter = new EventEmitterImpl("test");
    private final List<String> calls = new ArrayList<>();

    @Test
    void shouldRunListenersInRegistrationOrderWithPrependedFirst() {
        emitter.on(DATA, v -> calls.add("a:" + v));
        emitter.on(DATA, v -> calls.add("b:" + v));
        emitter.prependListener(DATA, v -> calls.add("first:" + v));
        assertThat(emitter.emit(DATA, "x")).isTrue();
        assertThat(calls).containsExactly("first:x", "a:x", "b:x");
        assertThat(emitter.emit(COUNT, 1)).isFalse();
    }

    @Test
    void shouldRemoveAOnceListenerBeforeCallingIt() {
        emitter.once(DATA, v -> {
            calls.add("once sees " + emitter.listenerCount(DATA) + " listeners");
            emitter.emit(DATA, "nested");
        });
        emitter.prependOnceListener(DATA, v -> calls.add("prepended once " + v));
        emitter.emit(DATA, "x");
        emitter.emit(DATA, "y");
        assertThat(calls).containsExactly("prepended once x", "once sees 0 listeners");
        assertThat(emitter.listenerCount(DATA)).isZero();
    }

    @Test
    void shouldEmitOnASnapshotOfTheListeners() {
        EventEmitter.Listener<String> second = v -> calls.add("second " + v);
        emitter.on(DATA, v -> {
            calls.add("first " + v);
            emitter.off(DATA, second);
            emitter.on(DATA, w -> calls.add("added " + w));
        });
        emitter.on(DATA, second);
        emitter.emit(DATA, "1");
        // Removing 'second' and adding 'added' during the first emit do not change it.
        assertThat(calls).containsExactly("first 1", "second 1");
    }

    @Test
    void shouldRemoveTheMostRecentRegistrationOfAListener() {
        EventEmitter.Listener<String> twice = v -> calls.add(v);
        emitter.on(DATA, twice).on(DATA, twice);
        emitter.off(DATA, twice);
        emitter.emit(DATA, "once");
        assertThat(calls).containsExactly("once");
    }

    @Test
    void shouldEmitNewListenerBeforeAddingAndRemoveListenerAfterRemoving() {
        List<String> meta = new ArrayList<>();
        emitter.on(EventEmitter.NEW_LISTENER, change ->
                meta.add("new " + change.event().name() + " count=" + emitter.listenerCount(change.event())));
        emitter.on(EventEmitter.REMOVE_LISTENER, change ->
                meta.add("removed " + change.event().name() + " count=" + emitter.listenerCount(change.event())));
        EventEmitter.Listener<String> listener = v -> { };
        emitter.on(DATA, listener);
        emitter.off(DATA, listener);
        assertThat(meta).containsExactly("new removeListener count=0", "new data count=0", "removed data count=0");
    }

    @Test
    void shouldThrowAnErrorEventThatNobodyListensTo() {
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> emitter.emit(EventEmitter.ERROR, boom))
                .isInstanceOf(UnhandledErrorEventException.class)
                .hasCause(boom);
        List<Throwable> seen = new ArrayList<>();
        emitter.on(EventEmitter.ERROR, seen::add);
        assertThat(emitter.emit(EventEmitter.ERROR, boom)).isTrue();
        assertThat(seen).containsExactly(boom);
    }

    @Test
    void shouldListEventNamesCountListenersAndRemoveAll() {
        emitter.on(DATA, v -> { }).on(COUNT, v -> { }).on(COUNT, v -> { });
        assertThat(emitter.eventNames()).containsExactly(DATA, COUNT);
        assertThat(emitter.listenerCount(COUNT)).isEqualTo(2);
        emitter.removeAllListeners(COUNT);
        assertThat(emitter.eventNames()).containsExactly(DATA);
        emitter.removeAllListeners();
        assertThat(emitter.eventNames()).isEmpty();
    }

    @Test
    void shouldRemoveOnlyTheListenersPresentWhenRemoveAllListenersOfAnEventIsCalled() {
        EventEmitter.Listener<String> a = v -> { };
        EventEmitter.Listener<String> b = v -> { };
        emitter.on(DATA, a).on(DATA, b);
        List<String> removed = new ArrayList<>();
        emitter.on(EventEmitter.REMOVE_LISTENER, change -> {
            removed.add(change.listener() == a ? "a" : change.listener() == b ? "b" : "added back");
            // Bounded so that an emitter that also removes what comes back ends (and fails).
            if (removed.size() < 100) {
                emitter.on(DATA, v -> { });
            }
        });
        emitter.removeAllListeners(DATA);
        // Last registered first, as Node does; the two added back stay.
        assertThat(removed).containsExactly("b", "a");
        assertThat(emitter.listenerCount(DATA)).isEqualTo(2);
    }

    @Test
    void shouldLeaveNoListenerAfterRemoveAllListenersEvenIfARemoveListenerListenerAddsOne() {
        emitter.on(DATA, v -> { });
        List<String> removed = new ArrayList<>();
        emitter.on(EventEmitter.REMOVE_LISTENER, change -> {
            removed.add(change.event().name());
            if (removed.size() < 100) {
                emitter.on(DATA, v -> { });
            }
        });
        emitter.removeAllListeners();
        // Node's removeAllListeners() ends by dropping every event, so what came back goes too
        // (without a removeListener event: none of those listeners is left to hear it).
        assertThat(removed).containsExactly("data");
        assertThat(emitter.eventNames()).isEmpty();
    }

    @Test
    void shouldKeepCountingListenersBeyondTheLeakWarningThreshold() {
        emitter.setMaxListeners(2);
        for (int i = 0; i < 5; i++) {
            emitter.on(DATA, v -> calls.add(v));
        }
        // The warning is a log line; adding goes on (Node's behavior), and 0 means unlimited.
        assertThat(emitter.listenerCount(DATA)).isEqualTo(5);
        assertThat(emitter.setMaxListeners(0).maxListeners()).isZero();
        assertThatThrownBy(() -> emitter.setMaxListeners(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldPropagateAListenersExceptionOutOfEmit() {
        emitter.on(DATA, v -> {
            throw new java.io.IOException("disk");
        });
        assertThatThrownBy(() -> emitter.emit(DATA, "x"))
                .isInstanceOf(EventListenerException.class)
                .hasCauseInstanceOf(java.io.IOException.class);
    }
}
