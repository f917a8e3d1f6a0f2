package dev.spindle.actors;

import dev.spindle.actors.testkit.RecordingLogs;
import dev.spindle.actors.EventEmitter.Listener;
import dev.spindle.actors.EventEmitter.ListenerChange;
import dev.spindle.actors.internal.EventEmitterImpl;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import static dev.spindle.actors.EventEmitter.ERROR;
import static dev.spindle.actors.EventEmitter.ERROR_MONITOR;
import static dev.spindle.actors.EventEmitter.NEW_LISTENER;
import static dev.spindle.actors.EventEmitter.REMOVE_LISTENER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The cases of Node's own {@code test/parallel/test-event-emitter-*.js} (and {@code
 * test-events-once.js}, for {@code once(key)}) that a typed Java API can express, one method per
 * case, named after its Node file: {@code testEventEmitterOnce_...} comes from {@code
 * test-event-emitter-once.js}. Node's {@code common.mustCall(fn, n)} becomes a list of calls whose
 * contents are asserted. Warnings, which Node emits on {@code process}, are read from the tests'
 * SLF4J recorder, filtered by the emitter's unique owner name.
 *
 * <p>Not ported, because they test what a Java API has no counterpart for:
 * <ul>
 *   <li>emit-context: {@code emit} called with another {@code this};
 *   <li>method-names: the {@code name} property of JavaScript functions, {@code addListener} as
 *       an alias of {@code on};
 *   <li>num-args: any number of arguments per emit (an {@link EventKey} has one typed value; a
 *       record carries several);
 *   <li>special-event-names: names such as {@code __proto__} clashing with a JavaScript object's
 *       prototype (keys are records in a map);
 *   <li>subclass: prototype inheritance ({@code EventEmitterImpl} is final behind an interface);
 *   <li>max-listeners-warning-for-null and -for-symbol: null and Symbol event names in the warning
 *       (a key is never null and always has a name);
 *   <li>errors, the non-Error values ({@link EventEmitter#ERROR} carries a {@code Throwable}), and
 *       no-error-provided-to-error-event's domains (its emit without an error is ported);
 *   <li>check-listener-leaks' process-wide {@code defaultMaxListeners} (no global mutable default);
 *   <li>listeners' {@code rawListeners} (the once wrapper is internal) and prepend's fallback for
 *       streams when {@code prependListener} is deleted from the prototype;
 *   <li>events-once's AbortSignal and EventTarget cases (neither exists here).
 * </ul>
 */
class EventEmitterNodeTest {

    private static final EventKey<String> HELLO = EventKey.of("hello", String.class);
    private static final EventKey<String> FOO = EventKey.of("foo", String.class);
    private static final EventKey<String> E = EventKey.of("e", String.class);

    private static final EventKey<String> BAR = EventKey.of("bar", String.class);
    private static final EventKey<String> BAZ = EventKey.of("baz", String.class);
    private static final EventKey<String> QUUX = EventKey.of("quux", String.class);
    private static final EventKey<String> MYEVENT = EventKey.of("myevent", String.class);
    private static final IllegalStateException THE_ERR = new IllegalStateException("MyError");

    private final EventEmitter ee = new EventEmitterImpl("node-test");
    private final List<String> calls = new ArrayList<>();
    private final Listener<String> listener1 = v -> calls.add("listener1");
    private final Listener<String> listener2 = v -> calls.add("listener2");

    /** {@return an owner name that only this test's emitter logs with} */
    private static String uniqueOwner(String test) {
        return "node-" + test + "-" + System.nanoTime();
    }

    /** {@return how many leak warnings the emitter of {@code owner} logged for the event} */
    private static long leakWarnings(String owner, EventKey<?> event) {
        return RecordingLogs.containing(owner).stream()
                .filter(warning -> warning.message().contains(" " + event + " listeners added")).count();
    }

    private static Listener<String> noop() {
        return v -> { };
    }

    /** {@return the failure of a stage that has completed exceptionally, else null} */
    private static Throwable failureOf(CompletionStage<?> stage) {
        Throwable thrown = catchThrowable(() -> stage.toCompletableFuture().getNow(null));
        return thrown == null ? null : thrown.getCause();
    }

    private String name(Listener<?> listener) {
        return listener == listener1 ? "listener1" : listener == listener2 ? "listener2" : "another";
    }

    private List<String> names(List<? extends Listener<?>> listeners) {
        return listeners.stream().map(this::name).toList();
    }

    // ---- test-event-emitter-add-listeners.js ----------------------------------------------------

    @Test
    void testEventEmitterAddListeners_newListenerHearsEachAdditionBeforeItHappens() {
        List<String> events = new ArrayList<>();
        List<Listener<?>> added = new ArrayList<>();
        ee.on(NEW_LISTENER, change -> {
            if (!change.event().equals(NEW_LISTENER)) {
                events.add(change.event().name());
                added.add(change.listener());
            }
        });
        Listener<String> hello = v -> calls.add("hello " + v);
        ee.once(NEW_LISTENER, change -> calls.add("newListener for " + change.event().name()
                + (change.listener() == hello ? " with hello" : "") + ", listeners " + ee.listeners(HELLO).size()));
        Listener<String> fail = v -> calls.add("foo ran");
        ee.on(HELLO, hello);
        ee.once(FOO, fail);
        assertThat(events).containsExactly("hello", "foo");
        assertThat(added).containsExactly(hello, fail);
        ee.emit(HELLO, "a");
        assertThat(calls).containsExactly("newListener for hello with hello, listeners 0", "hello a");
    }

    @Test
    void testEventEmitterAddListeners_aListenerThatANewListenerListenerAddsComesFirst() {
        Listener<String> listen1 = noop();
        Listener<String> listen2 = noop();
        ee.once(NEW_LISTENER, outer -> {
            calls.add("outer sees " + ee.listeners(HELLO).size());
            ee.once(NEW_LISTENER, inner -> calls.add("inner sees " + ee.listeners(HELLO).size()));
            ee.on(HELLO, listen2);
        });
        ee.on(HELLO, listen1);
        // The order of an event's listeners is not always the order they were added in.
        assertThat(ee.listeners(HELLO)).containsExactly(listen2, listen1);
        assertThat(calls).containsExactly("outer sees 0", "inner sees 0");
    }

    // ---- test-event-emitter-check-listener-leaks.js ---------------------------------------------

    @Test
    void testEventEmitterCheckListenerLeaks_warnsOnceWhenAnEventPassesTheLimit() {
        String owner = uniqueOwner("leaks");
        EventEmitter e = new EventEmitterImpl(owner);
        EventKey<String> byDefault = EventKey.of("default", String.class);
        for (int i = 0; i < 10; i++) {
            e.on(byDefault, noop());
        }
        assertThat(leakWarnings(owner, byDefault)).isZero();
        e.on(byDefault, noop());
        assertThat(leakWarnings(owner, byDefault)).isOne();

        EventKey<String> specific = EventKey.of("specific", String.class);
        e.setMaxListeners(5);
        for (int i = 0; i < 5; i++) {
            e.on(specific, noop());
        }
        assertThat(leakWarnings(owner, specific)).isZero();
        e.on(specific, noop());
        assertThat(leakWarnings(owner, specific)).isOne();

        EventKey<String> onlyOne = EventKey.of("only one", String.class);
        e.setMaxListeners(1);
        e.on(onlyOne, noop());
        assertThat(leakWarnings(owner, onlyOne)).isZero();
        e.on(onlyOne, noop());
        assertThat(leakWarnings(owner, onlyOne)).isOne();

        EventKey<String> unlimited = EventKey.of("unlimited", String.class);
        e.setMaxListeners(0);
        for (int i = 0; i < 1000; i++) {
            e.on(unlimited, noop());
        }
        assertThat(leakWarnings(owner, unlimited)).isZero();
        assertThat(e.setMaxListeners(1)).isSameAs(e);
    }

    // ---- test-event-emitter-error-monitor.js ----------------------------------------------------

    @Test
    void testEventEmitterErrorMonitor_monitorsSeeEveryErrorWithoutHandlingIt() {
        List<Throwable> monitored = new ArrayList<>();
        ee.on(ERROR_MONITOR, monitored::add);
        assertThatThrownBy(() -> ee.emit(ERROR, THE_ERR))
                .isInstanceOf(UnhandledErrorEventException.class).hasCause(THE_ERR);

        List<Throwable> handled = new ArrayList<>();
        ee.once(ERROR, handled::add);
        ee.emit(ERROR, THE_ERR);

        CompletionStage<String> notTriggered = ee.once(EventKey.of("notTriggered", String.class));
        ee.emit(ERROR, THE_ERR);
        assertThat(failureOf(notTriggered)).isSameAs(THE_ERR);

        // Only errors reach the monitors.
        EventKey<String> other = EventKey.of("aEvent", String.class);
        ee.on(other, calls::add);
        ee.emit(other, "a");
        assertThat(calls).containsExactly("a");
        assertThat(monitored).containsExactly(THE_ERR, THE_ERR, THE_ERR);
        assertThat(handled).containsExactly(THE_ERR);
    }

    // ---- test-event-emitter-errors.js, test-event-emitter-no-error-provided-to-error-event.js ----

    @Test
    void testEventEmitterErrors_theUnhandledErrorSaysWhatTheErrorWas() {
        IllegalArgumentException error = new IllegalArgumentException("Accepts a string");
        assertThatThrownBy(() -> ee.emit(ERROR, error))
                .isInstanceOf(UnhandledErrorEventException.class)
                .hasMessageContaining("Accepts a string")
                .hasCause(error);
    }

    @Test
    void testEventEmitterNoErrorProvidedToErrorEvent_anErrorEventWithoutAnErrorStillThrows() {
        assertThatThrownBy(() -> ee.emit(ERROR, null))
                .isInstanceOf(UnhandledErrorEventException.class)
                .hasNoCause();
    }

    // ---- test-event-emitter-get-max-listeners.js, -max-listeners.js, -set-max-listeners-side-effects.js

    @Test
    void testEventEmitterGetMaxListeners_isTenByDefaultAndWhatWasSetAfterwards() {
        assertThat(ee.maxListeners()).isEqualTo(10);
        assertThat(ee.setMaxListeners(0).maxListeners()).isZero();
        assertThat(ee.setMaxListeners(3).maxListeners()).isEqualTo(3);
    }

    @Test
    void testEventEmitterMaxListeners_anEventNamedMaxListenersIsLeftAloneAndANegativeLimitRejected() {
        EventKey<String> maxListeners = EventKey.of("maxListeners", String.class);
        ee.on(maxListeners, calls::add);
        ee.setMaxListeners(42);
        assertThatIllegalArgumentException().isThrownBy(() -> ee.setMaxListeners(-1));
        assertThat(ee.maxListeners()).isEqualTo(42);
        ee.emit(maxListeners, "x");
        assertThat(calls).containsExactly("x");
    }

    @Test
    void testEventEmitterSetMaxListenersSideEffects_registersNoEvent() {
        ee.setMaxListeners(5);
        assertThat(ee.eventNames()).isEmpty();
    }

    // ---- test-event-emitter-max-listeners-warning.js --------------------------------------------

    @Test
    void testEventEmitterMaxListenersWarning_namesTheCountTheEventAndTheEmitterOnce() {
        String owner = uniqueOwner("warning");
        EventEmitter e = new EventEmitterImpl(owner).setMaxListeners(1);
        EventKey<String> type = EventKey.of("event-type", String.class);
        e.on(type, noop());
        e.on(type, noop());
        e.on(type, noop());
        assertThat(RecordingLogs.containing(owner)).singleElement().satisfies(warning -> {
            assertThat(warning.level()).isEqualTo(Level.WARN);
            assertThat(warning.message())
                    .contains("2 event-type<String> listeners added to " + owner)
                    .contains("maxListeners is 1");
        });
    }

    // ---- test-event-emitter-invalid-listener.js --------------------------------------------------

    @Test
    void testEventEmitterInvalidListener_everyMethodThatTakesAListenerRejectsNull() {
        List<Consumer<Listener<String>>> methods = List.of(
                l -> ee.on(FOO, l), l -> ee.once(FOO, l), l -> ee.prependListener(FOO, l),
                l -> ee.prependOnceListener(FOO, l), l -> ee.off(FOO, l));
        for (Consumer<Listener<String>> method : methods) {
            assertThatNullPointerException().isThrownBy(() -> method.accept(null)).withMessage("listener");
        }
        // Node's removeListener rejects a non-function whether or not the event has listeners.
        ee.on(FOO, calls::add);
        assertThatNullPointerException().isThrownBy(() -> ee.off(FOO, null)).withMessage("listener");
        EventKey<String> noEvent = null;
        assertThatNullPointerException().isThrownBy(() -> ee.off(noEvent, calls::add)).withMessage("event");
    }

    // ---- test-event-emitter-listener-count.js ---------------------------------------------------

    @Test
    void testEventEmitterListenerCount_countsAnEventsListenersOrOneListenersRegistrations() {
        ee.on(FOO, noop()).on(FOO, noop()).on(BAZ, noop());
        assertThat(ee.listenerCount(FOO)).isEqualTo(2);
        assertThat(ee.listenerCount(BAR)).isZero();
        assertThat(ee.listenerCount(BAZ)).isOne();
        ee.on(QUUX, listener1).once(QUUX, listener1).on(QUUX, listener2);
        assertThat(ee.listenerCount(QUUX, listener1)).isEqualTo(2);
        assertThat(ee.listenerCount(FOO, listener1)).isZero();
    }

    // ---- test-event-emitter-listeners.js, test-event-emitter-listeners-side-effects.js ----------

    @Test
    void testEventEmitterListeners_isACopyThatLaterChangesLeaveAlone() {
        ee.on(FOO, listener1);
        List<Listener<? super String>> fooListeners = ee.listeners(FOO);
        assertThat(ee.listeners(FOO)).containsExactly(listener1);
        ee.removeAllListeners(FOO);
        assertThat(ee.listeners(FOO)).isEmpty();
        assertThat(fooListeners).containsExactly(listener1);

        ee.on(BAR, listener1);
        List<Listener<? super String>> barListeners = ee.listeners(BAR);
        ee.on(BAR, listener2);
        assertThat(ee.listeners(BAR)).containsExactly(listener1, listener2);
        assertThat(barListeners).containsExactly(listener1);
    }

    @Test
    void testEventEmitterListeners_showsOnceListenersAsTheyWereGiven() {
        ee.once(FOO, listener1);
        assertThat(ee.listeners(FOO)).containsExactly(listener1);
        ee.on(BAR, listener1).once(BAR, listener2);
        assertThat(ee.listeners(BAR)).containsExactly(listener1, listener2);
        assertThat(ee.listeners(BAZ)).isEmpty();
    }

    @Test
    void testEventEmitterListenersSideEffects_askingForListenersRegistersNothing() {
        assertThat(ee.listeners(FOO)).isEmpty();
        ee.on(FOO, listener1);
        assertThat(ee.listeners(BAR)).isEmpty();
        ee.on(FOO, listener2);
        assertThat(ee.listeners(FOO)).containsExactly(listener1, listener2);
        assertThat(ee.eventNames()).containsExactly(FOO);
    }

    // ---- test-event-emitter-modify-in-emit.js ---------------------------------------------------

    @Test
    void testEventEmitterModifyInEmit_listenersAddedOrRemovedDuringAnEmitCountFromTheNextOne() {
        List<Listener<String>> callbacks = modifyingCallbacks();
        ee.on(FOO, callbacks.get(0));
        assertThat(ee.listenerCount(FOO)).isOne();
        ee.emit(FOO, "1");
        assertThat(ee.listenerCount(FOO)).isEqualTo(2);
        assertThat(calls).containsExactly("callback1");
        ee.emit(FOO, "2");
        assertThat(ee.listenerCount(FOO)).isZero();
        assertThat(calls).containsExactly("callback1", "callback2", "callback3");
        ee.emit(FOO, "3");
        assertThat(calls).containsExactly("callback1", "callback2", "callback3");

        ee.on(FOO, callbacks.get(0)).on(FOO, callbacks.get(1));
        assertThat(ee.listenerCount(FOO)).isEqualTo(2);
        ee.removeAllListeners(FOO);
        assertThat(ee.listenerCount(FOO)).isZero();
    }

    @Test
    void testEventEmitterModifyInEmit_listenersThatRemoveThemselvesDuringAnEmitAllRun() {
        List<Listener<String>> callbacks = modifyingCallbacks();
        ee.on(FOO, callbacks.get(1)).on(FOO, callbacks.get(2));
        ee.emit(FOO, "1");
        assertThat(calls).containsExactly("callback2", "callback3");
        assertThat(ee.listenerCount(FOO)).isZero();
    }

    /** Node's three callbacks: the first adds the other two and removes itself; they remove themselves. */
    private List<Listener<String>> modifyingCallbacks() {
        List<Listener<String>> callbacks = new ArrayList<>();
        callbacks.add(v -> {
            calls.add("callback1");
            ee.on(FOO, callbacks.get(1)).on(FOO, callbacks.get(2)).off(FOO, callbacks.get(0));
        });
        callbacks.add(v -> {
            calls.add("callback2");
            ee.off(FOO, callbacks.get(1));
        });
        callbacks.add(v -> {
            calls.add("callback3");
            ee.off(FOO, callbacks.get(2));
        });
        return callbacks;
    }

    // ---- test-event-emitter-once.js --------------------------------------------------------------

    @Test
    void testEventEmitterOnce_callsTheListenerOnlyOnAnEventsFirstEmit() {
        ee.once(HELLO, calls::add);
        ee.emit(HELLO, "a");
        ee.emit(HELLO, "b");
        ee.emit(HELLO, "c");
        assertThat(calls).containsExactly("a");
    }

    @Test
    void testEventEmitterOnce_aOnceListenerRemovedBeforeTheEmitIsNotCalled() {
        Listener<String> remove = v -> calls.add("removed once listener ran");
        ee.once(FOO, remove);
        ee.off(FOO, remove);
        assertThat(ee.emit(FOO, "x")).isFalse();
        assertThat(calls).isEmpty();
    }

    @Test
    void testEventEmitterOnce_aOnceListenerRunsAtMostOnceWhenAnEarlierOneReEmits() {
        ee.once(E, v -> {
            calls.add("first " + v);
            ee.emit(E, "nested");
        });
        ee.once(E, v -> calls.add("second " + v));
        ee.emit(E, "outer");
        // The nested emit ran the second listener; the outer emit's snapshot still holds it, and
        // Node's once wrapper skips a listener that has fired.
        assertThat(calls).containsExactly("first outer", "second nested");
    }

    // ---- test-event-emitter-prepend.js ----------------------------------------------------------

    @Test
    void testEventEmitterPrepend_prependedListenersRunFirst() {
        ee.on(FOO, v -> calls.add("added"));
        ee.prependListener(FOO, v -> calls.add("prepended"));
        ee.prependOnceListener(FOO, v -> calls.add("prepended once"));
        ee.emit(FOO, "x");
        assertThat(calls).containsExactly("prepended once", "prepended", "added");
    }

    // ---- test-event-emitter-remove-all-listeners.js ---------------------------------------------

    @Test
    void testEventEmitterRemoveAllListeners_ofOneEventIsHeardPerListenerAndLeavesCopiesAlone() {
        Listener<String> listener = noop();
        ee.on(FOO, listener).on(BAR, listener).on(BAZ, listener).on(BAZ, listener);
        List<Listener<? super String>> fooListeners = ee.listeners(FOO);
        List<Listener<? super String>> barListeners = ee.listeners(BAR);
        List<Listener<? super String>> bazListeners = ee.listeners(BAZ);
        List<String> removed = new ArrayList<>();
        ee.on(REMOVE_LISTENER, change -> removed.add(change.event().name()));
        assertThat(ee.removeAllListeners(BAR)).isSameAs(ee);
        ee.removeAllListeners(BAZ);
        assertThat(removed).containsExactly("bar", "baz", "baz");
        assertThat(ee.listeners(FOO)).containsExactly(listener);
        assertThat(ee.listeners(BAR)).isEmpty();
        assertThat(ee.listeners(BAZ)).isEmpty();
        assertThat(fooListeners).containsExactly(listener);
        assertThat(barListeners).containsExactly(listener);
        assertThat(bazListeners).containsExactly(listener, listener);
    }

    @Test
    void testEventEmitterRemoveAllListeners_ofEveryEventRemovesRemoveListenerListenersLast() {
        ee.on(FOO, noop()).on(BAR, noop());
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        ee.on(REMOVE_LISTENER, change -> first.add(change.event().name()));
        ee.on(REMOVE_LISTENER, change -> second.add(change.event().name()));
        assertThat(ee.removeAllListeners()).isSameAs(ee);
        // Last added first: the second removeListener listener goes, and the first hears it.
        assertThat(first).containsExactly("foo", "bar", "removeListener");
        assertThat(second).containsExactly("foo", "bar");
        assertThat(ee.listeners(FOO)).isEmpty();
        assertThat(ee.listeners(BAR)).isEmpty();
    }

    @Test
    void testEventEmitterRemoveAllListeners_ofAnEventWithoutListenersIsHeardByNobody() {
        ee.on(REMOVE_LISTENER, change -> calls.add("removed from " + change.event().name()));
        ee.removeAllListeners(FOO);
        assertThat(calls).isEmpty();
    }

    @Test
    void testEventEmitterRemoveAllListeners_removeListenerListenersSeeTheCountGoDown() {
        List<Integer> counts = new ArrayList<>();
        ee.on(REMOVE_LISTENER, change -> counts.add(ee.listeners(BAZ).size()));
        ee.on(BAZ, noop()).on(BAZ, noop()).on(BAZ, noop());
        ee.removeAllListeners(BAZ);
        assertThat(counts).containsExactly(2, 1, 0);
        assertThat(ee.listeners(BAZ)).isEmpty();
    }

    // ---- test-event-emitter-remove-listeners.js -------------------------------------------------

    @Test
    void testEventEmitterRemoveListeners_removeListenerHearsTheEventAndTheListener() {
        ee.on(HELLO, listener1);
        List<ListenerChange> heard = new ArrayList<>();
        ee.on(REMOVE_LISTENER, heard::add);
        ee.off(HELLO, listener1);
        assertThat(heard).containsExactly(new ListenerChange(HELLO, listener1));
        assertThat(ee.listeners(HELLO)).isEmpty();
    }

    @Test
    void testEventEmitterRemoveListeners_removingAListenerThatIsNotThereIsHeardByNobody() {
        ee.on(HELLO, listener1);
        ee.on(REMOVE_LISTENER, change -> calls.add("removeListener"));
        assertThat(ee.off(HELLO, listener2)).isSameAs(ee);
        assertThat(calls).isEmpty();
        assertThat(ee.listeners(HELLO)).containsExactly(listener1);
    }

    @Test
    void testEventEmitterRemoveListeners_removeListenerRunsOnceTheListenerIsGone() {
        List<String> seen = new ArrayList<>();
        Listener<ListenerChange> look = change ->
                seen.add(name(change.listener()) + " removed, left " + names(ee.listeners(HELLO)));
        ee.on(HELLO, listener1).on(HELLO, listener2);
        ee.once(REMOVE_LISTENER, look);
        ee.off(HELLO, listener1);
        assertThat(ee.listeners(HELLO)).containsExactly(listener2);
        ee.once(REMOVE_LISTENER, look);
        ee.off(HELLO, listener2);
        assertThat(ee.listeners(HELLO)).isEmpty();
        assertThat(seen).containsExactly("listener1 removed, left [listener2]", "listener2 removed, left []");
    }

    @Test
    void testEventEmitterRemoveListeners_aRemoveListenerListenerMayRemoveAnotherAndEmit() {
        Listener<String> remove1 = v -> calls.add("remove1 ran");
        Listener<String> remove2 = v -> calls.add("remove2 ran");
        List<ListenerChange> heard = new ArrayList<>();
        ee.on(REMOVE_LISTENER, change -> {
            heard.add(change);
            if (change.listener() == remove1) {
                ee.off(QUUX, remove2);
                ee.emit(QUUX, "x");
            }
        });
        ee.on(QUUX, remove1).on(QUUX, remove2);
        ee.off(QUUX, remove1);
        assertThat(heard).containsExactly(new ListenerChange(QUUX, remove1), new ListenerChange(QUUX, remove2));
        assertThat(calls).isEmpty();
    }

    @Test
    void testEventEmitterRemoveListeners_aRemoveListenerListenerAddedByAnotherHearsTheNextRemoval() {
        List<String> seen = new ArrayList<>();
        ee.on(HELLO, listener1).on(HELLO, listener2);
        ee.once(REMOVE_LISTENER, outer -> {
            seen.add(name(outer.listener()) + " removed, left " + names(ee.listeners(HELLO)));
            ee.once(REMOVE_LISTENER, inner ->
                    seen.add(name(inner.listener()) + " removed, left " + names(ee.listeners(HELLO))));
            ee.off(HELLO, listener2);
        });
        ee.off(HELLO, listener1);
        assertThat(seen).containsExactly("listener1 removed, left [listener2]", "listener2 removed, left []");
        assertThat(ee.listeners(HELLO)).isEmpty();
    }

    @Test
    void testEventEmitterRemoveListeners_aListenerRemovedDuringAnEmitStillRunsInIt() {
        Listener<String> listener4 = v -> calls.add("listener4");
        Listener<String> listener3 = v -> {
            calls.add("listener3");
            ee.off(HELLO, listener4);
        };
        ee.on(HELLO, listener3).on(HELLO, listener4);
        ee.emit(HELLO, "1");
        ee.emit(HELLO, "2");
        assertThat(calls).containsExactly("listener3", "listener4", "listener3");
    }

    @Test
    void testEventEmitterRemoveListeners_aOnceListenerThatFiresIsHeardLeaving() {
        ee.once(HELLO, listener1);
        List<ListenerChange> heard = new ArrayList<>();
        ee.on(REMOVE_LISTENER, heard::add);
        ee.emit(HELLO, "x");
        assertThat(heard).containsExactly(new ListenerChange(HELLO, listener1));
    }

    // ---- test-event-emitter-symbols.js: a key's type, like a Symbol, makes another event -------

    @Test
    void testEventEmitterSymbols_aKeyOfTheSameNameAndAnotherTypeIsAnotherEvent() {
        EventKey<Integer> fooNumber = EventKey.of("foo", Integer.class);
        Listener<Integer> listener = v -> calls.add("number " + v);
        ee.on(fooNumber, listener);
        assertThat(ee.listeners(fooNumber)).containsExactly(listener);
        assertThat(ee.listeners(FOO)).isEmpty();
        assertThat(ee.emit(FOO, "x")).isFalse();
        ee.emit(fooNumber, 1);
        ee.removeAllListeners();
        assertThat(ee.listeners(fooNumber)).isEmpty();
        ee.on(fooNumber, listener).off(fooNumber, listener);
        assertThat(ee.listeners(fooNumber)).isEmpty();
        assertThat(calls).containsExactly("number 1");
    }

    // ---- test-events-once.js: events.once(emitter, name) is once(key) ---------------------------

    @Test
    void testEventsOnce_completesWithTheNextValueAndLeavesNoListener() {
        CompletionStage<String> next = ee.once(MYEVENT);
        ee.emit(MYEVENT, "42");
        assertThat(next).isCompletedWithValue("42");
        assertThat(ee.listenerCount(ERROR)).isZero();
        assertThat(ee.listenerCount(MYEVENT)).isZero();
    }

    @Test
    void testEventsOnce_anErrorEmittedFirstFailsItAndCountsAsHandled() {
        IllegalStateException expected = new IllegalStateException("kaboom");
        CompletionStage<String> next = ee.once(MYEVENT);
        assertThat(ee.emit(ERROR, expected)).isTrue();
        assertThat(failureOf(next)).isSameAs(expected);
        assertThat(ee.listenerCount(ERROR)).isZero();
        assertThat(ee.listenerCount(MYEVENT)).isZero();
    }

    @Test
    void testEventsOnce_stopsListeningAfterAnError() {
        IllegalStateException expected = new IllegalStateException("kaboom");
        CompletionStage<String> next = ee.once(MYEVENT);
        ee.emit(ERROR, expected);
        assertThat(ee.emit(MYEVENT, "42")).isFalse();
        assertThat(failureOf(next)).isSameAs(expected);
    }

    @Test
    void testEventsOnce_ofTheErrorEventCompletesWithTheError() {
        IllegalStateException expected = new IllegalStateException("kaboom");
        CompletionStage<Throwable> next = ee.once(ERROR);
        ee.emit(ERROR, expected);
        assertThat(next).isCompletedWithValue(expected);
        assertThat(ee.listenerCount(ERROR)).isZero();
        assertThat(ee.listenerCount(MYEVENT)).isZero();
    }
}
