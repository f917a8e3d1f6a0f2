package dev.spindle.actors;

import dev.spindle.actors.EventEmitter.Listener;
import dev.spindle.actors.internal.EventEmitterImpl;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * The cases of Node's own {@code test/parallel/test-event-emitter-*.js} that a typed Java API can
 * express, one method per case, named after its Node file ({@code testEventEmitterOnce_...} comes
 * from {@code test-event-emitter-once.js}). Node's {@code common.mustCall(fn, n)} becomes a list of
 * calls whose size is asserted.
 */
class EventEmitterNodeTest {

    private static final EventKey<String> HELLO = EventKey.of("hello", String.class);
    private static final EventKey<String> FOO = EventKey.of("foo", String.class);
    private static final EventKey<String> E = EventKey.of("e", String.class);

    private final EventEmitter ee = new EventEmitterImpl("node-test");
    private final List<String> calls = new ArrayList<>();

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
}
