package dev.spindle.mailbox;

/**
 * Thread-safe: called from any producer thread and from the consumer. Receives every message a
 * mailbox decided not to deliver, so that nothing is dropped silently.
 *
 * <p>Implementations must not block and must not offer to the mailbox that calls them.
 *
 * @param <S> the type of system messages
 * @param <M> the type of user messages
 */
public interface DeadLetterSink<S, M> {

    /**
     * A user message was dropped.
     *
     * @param message the message
     * @param reason  why it was dropped
     */
    void onDropped(M message, DropReason reason);

    /**
     * A system message reached a closed mailbox. System messages are never dropped for any other
     * reason; the owner of the mailbox may want to answer them (a watch of a dead consumer, say).
     *
     * @param message the message
     */
    void onSystemDropped(S message);
}
