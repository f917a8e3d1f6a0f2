package dev.spindle.actors;

import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Thread-safe. A pub-sub topic: producers publish, a router actor fans each message out to the
 * subscribers whose filter accepts it, subscribers consume. A subscriber that stops is
 * unsubscribed automatically. From one publisher, every subscriber sees messages in the order
 * published. Get one from {@link ActorSystem#topic}.
 *
 * @param <T> the type of the messages published
 */
public interface Topic<T> {

    /** {@return the topic's name, unique in its system} */
    String name();

    /** Publishes a message to every current subscriber whose filter accepts it. */
    void publish(T message);

    /** Subscribes an actor to every message. Subscribing again replaces the earlier subscription. */
    void subscribe(ActorRef<? super T> subscriber);

    /**
     * Subscribes an actor to the messages {@code filter} accepts, each turned into the actor's own
     * protocol by {@code adapter} (both run on the router's thread).
     */
    <M> void subscribe(ActorRef<M> subscriber, Predicate<? super T> filter, Function<? super T, ? extends M> adapter);

    /** Ends a subscription; messages published after this call do not reach it. */
    void unsubscribe(ActorRef<?> subscriber);
}
