package dev.spindle.actors.internal;

import dev.spindle.actors.EventEmitter;
import dev.spindle.actors.EventEmitter.Listener;
import dev.spindle.actors.EventKey;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

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
    private final Promise<T> result = new Promise<>();

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
        return next.result;
    }

    @Override
    public void on(T value) {
        emitter.off(EventEmitter.ERROR, onError);
        result.resolve(value);
    }

    private void fail(Throwable error) {
        emitter.off(event, this);
        result.reject(error != null ? error : new NullPointerException("'error' emitted with null"));
    }

    @Override
    public String toString() {
        return "once(" + event + ')';
    }

    /**
     * Thread-safe. A future that only its emission completes: completed from outside, it would
     * leave the listeners behind, and its error listener would go on handling errors. Not a
     * {@code minimalCompletionStage()}, whose dependents see the error wrapped in a
     * {@code CompletionException}, where Node's promise rejects with the error itself.
     */
    private static final class Promise<T> extends CompletableFuture<T> {

        void resolve(T value) {
            super.complete(value);
        }

        void reject(Throwable error) {
            super.completeExceptionally(error);
        }

        private static UnsupportedOperationException refused() {
            return new UnsupportedOperationException("only the event's next emission completes this stage");
        }

        @Override
        public boolean complete(T value) {
            throw refused();
        }

        @Override
        public boolean completeExceptionally(Throwable error) {
            throw refused();
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            throw refused();
        }

        @Override
        public void obtrudeValue(T value) {
            throw refused();
        }

        @Override
        public void obtrudeException(Throwable error) {
            throw refused();
        }

        @Override
        public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
            throw refused();
        }

        @Override
        public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier) {
            throw refused();
        }

        @Override
        public CompletableFuture<T> orTimeout(long timeout, TimeUnit unit) {
            throw refused();
        }

        @Override
        public CompletableFuture<T> completeOnTimeout(T value, long timeout, TimeUnit unit) {
            throw refused();
        }
    }
}
