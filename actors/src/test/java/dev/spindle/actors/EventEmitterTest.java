package dev.spindle.actors;

import dev.spindle.actors.testkit.RecordingLogs;
import dev.spindle.actors.internal.EventEmitterImpl;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Node's EventEmitter semantics, on the emitter alone (it is single-threaded by contract): the
 * corners of Node's lib/events.js and what Spindle adds. Node's own test files are ported in
 * {@link EventEmitterNodeTest}.
 */
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

    @Test
    void shouldRunAOnceListenerThatAnEarlierListenerRemovedDuringThatEmit() {
        EventEmitter.Listener<String> later = v -> calls.add("later " + v);
        emitter.on(DATA, v -> emitter.off(DATA, later));
        emitter.once(DATA, later);
        emitter.emit(DATA, "1");
        emitter.emit(DATA, "2");
        // The emit works on the snapshot it started with; Node's once wrapper has not fired yet.
        assertThat(calls).containsExactly("later 1");
    }

    @Test
    void shouldRemoveAOnceListenerThatThrowsAndSkipTheListenersAfterIt() {
        emitter.once(DATA, v -> {
            throw new IllegalStateException("first");
        });
        emitter.on(DATA, calls::add);
        assertThatThrownBy(() -> emitter.emit(DATA, "x")).hasMessage("first");
        assertThat(calls).isEmpty();
        emitter.emit(DATA, "y");
        assertThat(calls).containsExactly("y");
    }

    @Test
    void shouldTreatAKeyNamedErrorOfAnotherTypeAsAnotherEvent() {
        EventKey<String> stringError = EventKey.of("error", String.class);
        assertThat(emitter.emit(stringError, "not a Throwable")).isFalse();
    }

    @Test
    void shouldShowAnErrorToTheErrorMonitorsBeforeTheErrorListeners() {
        IllegalStateException boom = new IllegalStateException("boom");
        emitter.on(EventEmitter.ERROR, e -> calls.add("listener " + e.getMessage()));
        emitter.on(EventEmitter.ERROR_MONITOR, e -> calls.add("monitor " + e.getMessage()));
        assertThat(emitter.emit(EventEmitter.ERROR, boom)).isTrue();
        assertThat(calls).containsExactly("monitor boom", "listener boom");
    }

    @Test
    void shouldLetAnErrorMonitorThatThrowsStopTheErrorsEmit() {
        emitter.on(EventEmitter.ERROR_MONITOR, e -> {
            throw new IllegalArgumentException("monitor failed");
        });
        emitter.on(EventEmitter.ERROR, e -> calls.add("listener"));
        assertThatThrownBy(() -> emitter.emit(EventEmitter.ERROR, new IllegalStateException("boom")))
                .hasMessage("monitor failed");
        assertThat(calls).isEmpty();
    }

    @Test
    void shouldCompleteTheNextEmissionsStageInsideTheEmit() {
        CompletionStage<String> next = emitter.once(DATA);
        next.thenAccept(v -> calls.add("then " + v));
        emitter.emit(DATA, "x");
        // Already run by the emit, on its thread: nothing waits for another thread.
        assertThat(calls).containsExactly("then x");
        emitter.emit(DATA, "y");
        assertThat(next.toCompletableFuture().getNow("not completed")).isEqualTo("x");
    }

    @Test
    void shouldKeepTheNextEmissionsStageFromBeingCompletedFromOutside() {
        CompletionStage<String> next = emitter.once(DATA);
        CompletableFuture<String> future = next.toCompletableFuture();
        assertThatThrownBy(() -> future.complete("from outside")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> future.completeExceptionally(new IllegalStateException()))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> future.cancel(true)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(future).isNotDone();
        emitter.emit(DATA, "emitted");
        assertThat(next).isCompletedWithValue("emitted");
    }

    @Test
    void shouldFailTheNextEmissionsDependentStagesWithTheErrorItself() {
        IllegalStateException boom = new IllegalStateException("boom");
        List<Throwable> seen = new ArrayList<>();
        emitter.once(DATA).whenComplete((value, failure) -> seen.add(failure));
        emitter.emit(EventEmitter.ERROR, boom);
        // As Node's promise rejects with the error, not wrapped in a CompletionException.
        assertThat(seen).containsExactly(boom);
    }

    @Test
    void shouldRemoveTheNextEmissionsListenersInNodesOrder() {
        List<String> removed = new ArrayList<>();
        emitter.on(EventEmitter.REMOVE_LISTENER, change -> removed.add(change.event().name()));
        emitter.once(DATA);
        emitter.emit(DATA, "x");
        emitter.once(DATA);
        IllegalStateException boom = new IllegalStateException("boom");
        emitter.emit(EventEmitter.ERROR, boom);
        // The listener that fires is removed before it runs, then it removes the other one.
        assertThat(removed).containsExactly("data", "error", "error", "data");
    }

    @Test
    void shouldCompleteTheNextEmissionsStageExceptionallyWhenAnErrorIsEmittedWithNull() {
        CompletionStage<String> next = emitter.once(DATA);
        emitter.emit(EventEmitter.ERROR, null);
        assertThat(catchThrowable(() -> next.toCompletableFuture().join()))
                .hasCauseInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldReturnAnUnmodifiableCopyOfTheListeners() {
        EventEmitter.Listener<String> listener = calls::add;
        emitter.on(DATA, listener);
        List<EventEmitter.Listener<? super String>> copy = emitter.listeners(DATA);
        assertThatThrownBy(() -> copy.add(listener)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(emitter.listeners(COUNT)).isEmpty();
    }

    @Test
    void shouldWarnOfALeakAgainOnlyAfterTheEventIsDownToOneListener() {
        String owner = "leak-again-" + System.nanoTime();
        EventEmitter leaky = new EventEmitterImpl(owner).setMaxListeners(1);
        EventEmitter.Listener<String> a = v -> { };
        EventEmitter.Listener<String> b = v -> { };
        EventEmitter.Listener<String> c = v -> { };
        leaky.on(DATA, a).on(DATA, b).on(DATA, c);
        assertThat(RecordingLogs.containing(owner)).hasSize(1);
        leaky.off(DATA, c).on(DATA, c);
        assertThat(RecordingLogs.containing(owner)).as("still above the limit since the warning").hasSize(1);
        leaky.off(DATA, c).off(DATA, b).on(DATA, b);
        // Node's warned flag lives on the listener array, which goes when one listener is left.
        assertThat(RecordingLogs.containing(owner)).hasSize(2);
    }
}
