package dev.spindle.actors.internal;

import dev.spindle.actors.Cancellable;
import dev.spindle.actors.EventEmitter;
import dev.spindle.actors.EventKey;

import java.util.function.Function;

/**
 * Thread-safe handle; the listener runs on the emitter's actor thread. One actor's subscription to
 * another actor's event: each emitted value becomes a message to the subscriber. It removes itself
 * when cancelled or when the subscriber has stopped.
 */
final class Subscription<T, M> implements EventEmitter.Listener<T>, Cancellable {

    private final ActorCell<?> owner;
    private final EventKey<T> event;
    private final ActorCell<M> subscriber;
    private final Function<? super T, ? extends M> adapter;
    private volatile boolean cancelled;

    Subscription(ActorCell<?> owner, EventKey<T> event, ActorCell<M> subscriber, Function<? super T, ? extends M> adapter) {
        this.owner = owner;
        this.event = event;
        this.subscriber = subscriber;
        this.adapter = adapter;
    }

    @Override
    public void on(T value) {
        if (cancelled || subscriber.isStopped()) {
            owner.events().off(event, this);
            return;
        }
        M message = adapter.apply(value);
        if (message != null) {
            subscriber.tell(message);
        }
    }

    @Override
    public boolean cancel() {
        if (cancelled) {
            return false;
        }
        cancelled = true;
        owner.enqueue(new ActorTask("unsubscribe " + subscriber.path() + " from " + event,
                target -> target.events().off(event, this)));
        return true;
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }
}
