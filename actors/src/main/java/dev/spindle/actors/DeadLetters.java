package dev.spindle.actors;

/**
 * Thread-safe. Where an actor system counts the messages that reached no behavior, and who hears
 * about them. Nothing is dropped silently: each dead letter is counted here, logged at debug
 * level, and sent to every subscriber.
 */
public interface DeadLetters {

    /** {@return how many dead letters the system has had} */
    long count();

    /** {@return how many had the given reason} */
    long count(DeadLetter.Reason reason);

    /**
     * Sends every later dead letter to {@code subscriber}, until it stops. Dead letters of the
     * subscriber itself are only counted, never sent back to it.
     */
    void subscribe(ActorRef<DeadLetter> subscriber);

    /** Stops sending dead letters to {@code subscriber}. */
    void unsubscribe(ActorRef<DeadLetter> subscriber);

    /**
     * Records a message that a transport could not deliver (the process it was for has gone, or
     * has no actor by that name): counted, logged and sent to subscribers like any other.
     */
    void publish(ActorRef<?> recipient, Object message, DeadLetter.Reason reason);
}
