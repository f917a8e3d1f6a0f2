package dev.spindle.actors.internal;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.Signal;
import dev.spindle.actors.Topic;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Thread-safe handle to a topic's router, an actor that owns the subscriber list (so the list needs
 * no lock) and watches each subscriber to drop it when it stops.
 */
final class TopicImpl<T> implements Topic<T> {

    private final String name;
    final Class<T> type;
    private final ActorRef<Command> router;

    /** The router's protocol. */
    sealed interface Command {
        record Publish(Object message) implements Command {
        }

        record Subscribe(ActorRef<?> subscriber, Predicate<Object> filter, Function<Object, Object> adapter)
                implements Command {
        }

        record Unsubscribe(ActorRef<?> subscriber) implements Command {
        }
    }

    private record Subscriber(ActorRef<Object> ref, Predicate<Object> filter, Function<Object, Object> adapter) {
    }

    TopicImpl(Runtime runtime, String name, Class<T> type) {
        this.name = name;
        this.type = type;
        this.router = runtime.spawnInternal(router(), "$topic-" + name);
    }

    private static Behavior<Command> router() {
        Map<ActorRef<?>, Subscriber> subscribers = new LinkedHashMap<>();
        Behavior<Command> route = (ctx, command) -> {
            switch (command) {
                case Command.Publish(Object message) -> {
                    for (Subscriber subscriber : subscribers.values()) {
                        if (subscriber.filter().test(message)) {
                            Object adapted = subscriber.adapter().apply(message);
                            if (adapted != null) {
                                subscriber.ref().tell(adapted);
                            }
                        }
                    }
                }
                case Command.Subscribe(ActorRef<?> ref, Predicate<Object> filter, Function<Object, Object> adapter) -> {
                    @SuppressWarnings("unchecked")
                    ActorRef<Object> target = (ActorRef<Object>) ref;
                    if (subscribers.put(ref, new Subscriber(target, filter, adapter)) == null) {
                        ctx.watch(ref);
                    }
                }
                case Command.Unsubscribe(ActorRef<?> ref) -> {
                    if (subscribers.remove(ref) != null) {
                        ctx.unwatch(ref);
                    }
                }
            }
            return Behavior.same();
        };
        return route.onSignal((ctx, signal) -> {
            if (signal instanceof Signal.Terminated(ActorRef<?> ref, Throwable failure)) {
                subscribers.remove(ref);
            }
            return Behavior.same();
        });
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void publish(T message) {
        router.tell(new Command.Publish(type.cast(Objects.requireNonNull(message, "message"))));
    }

    @Override
    public void subscribe(ActorRef<? super T> subscriber) {
        subscribe(subscriber, message -> true, message -> message);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <M> void subscribe(ActorRef<M> subscriber, Predicate<? super T> filter, Function<? super T, ? extends M> adapter) {
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(adapter, "adapter");
        router.tell(new Command.Subscribe(subscriber, (Predicate<Object>) filter, (Function<Object, Object>) adapter));
    }

    @Override
    public void unsubscribe(ActorRef<?> subscriber) {
        router.tell(new Command.Unsubscribe(Objects.requireNonNull(subscriber, "subscriber")));
    }

    @Override
    public String toString() {
        return "Topic[" + name + ", " + type.getSimpleName() + ']';
    }
}
