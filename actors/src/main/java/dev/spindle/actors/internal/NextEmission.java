package dev.spindle.actors.internal;

import dev.spindle.actors.EventEmitter;
import dev.spindle.actors.EventEmitter.Listener;
import dev.spindle.actors.EventKey;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Actor-thread only. Node's {@code events.once(emitter, name)}: the next value of an event as a
 * stage, completed by a once listener for the event or, if an error is emitted first, by a once
 * listener for {@link EventEmitter#ERROR}; each removes the other, in Node's order (the one that
 * fired is removed before it runs, the other after).
 */
final class NextEmission<T> implements Listener<T> {

    private final EventEmitter emitter;
    private final EventKey<T> event;
    private final Listener<Throwable> onError = this::fail;
    private final CompletableFuture<T> result = new CompletableFuture<>();

    private NextEmission(EventEmitter emitter, EventKey<T> event) {
        this.emitter = emitter;
        this.event = event;
    }

    static <T> CompletionStage<T> of(EventEmitter emitter, EventKey<T> event) {
        NextEmission<T> next = new NextEmission<>(emitter, event);
        emitter.once(event, next);
        if (!event.equals(EventEmitter.ERROR)) {
            emitter.once(EventEmitter.ERROR, next.onError);
        }
        // Minimal: like a promise, it cannot be completed from outside and leave the listeners.
        return next.result.minimalCompletionStage();
    }

    @Override
    public void on(T value) {
        emitter.off(EventEmitter.ERROR, onError);
        result.complete(value);
    }

    private void fail(Throwable error) {
        emitter.off(event, this);
        result.completeExceptionally(error != null ? error : new NullPointerException("'error' emitted with null"));
    }

    @Override
    public String toString() {
        return "once(" + event + ')';
    }
}
