package dev.spindle.mailbox;

/**
 * Offers are thread-safe; {@link #drain}, {@link #tryIdle} and {@link #close} belong to the one
 * party that holds the mailbox (see the scheduling handshake in the package documentation).
 * A multi-producer, single-consumer queue of user messages, a system lane that overtakes it, and
 * the idle/scheduled state that tells exactly one party when the consumer must run.
 *
 * <p>A new mailbox is idle. A party holds the mailbox from the moment it is told to schedule it
 * ({@link Offer#SCHEDULE} or {@link #trySchedule()} returning {@code true}) until its
 * {@link #tryIdle()} returns {@code true}. Handing the mailbox from one thread to another through
 * this handshake makes everything the previous holder did visible to the next.
 *
 * @param <S> the type of system messages
 * @param <M> the type of user messages
 */
public sealed interface Mailbox<S, M> permits AbstractMailbox {

    /**
     * Thread-safe, lock-free, never blocks. Offers a user message.
     *
     * @param message the message, not {@code null}
     * @return what became of the message; {@link Offer#SCHEDULE} means the caller must now arrange
     *     for the consumer to run
     */
    Offer offer(M message);

    /**
     * Thread-safe, lock-free, never blocks. Offers a system message: never dropped while the
     * mailbox is open, and handled before any user message the consumer takes after this call.
     *
     * @param message the message, not {@code null}
     * @return {@link Offer#ENQUEUED}, {@link Offer#SCHEDULE}, or {@link Offer#CLOSED} when the
     *     mailbox was closed and the message went to the sink's {@link DeadLetterSink#onSystemDropped}
     */
    Offer offerSystem(S message);

    /**
     * Thread-safe. Takes hold of an idle mailbox, to run its consumer without an offer (at start,
     * say).
     *
     * @return {@code true} if the caller now holds the mailbox and must run its consumer
     */
    boolean trySchedule();

    /**
     * Holder only. Hands pending system messages, then up to {@code limit} user messages, to the
     * handler, one at a time. Before each user message, system messages that arrived meanwhile are
     * handled first. Stops early when the handler returns {@code false} or throws.
     *
     * @param handler receives the messages on the calling thread
     * @param limit   the most user messages to take in this drain, at least 1
     * @return how many user messages were taken
     */
    int drain(MailboxHandler<? super S, ? super M> handler, int limit);

    /**
     * Holder only. Releases the mailbox if it is empty. If a message arrives while the mailbox is
     * being released, either its producer is told to schedule the consumer, or this call keeps
     * hold and returns {@code false}; never both, never neither.
     *
     * <p>A producer that has claimed a slot but not yet written it counts as waiting: the holder
     * then keeps hold and its next {@code drain} may take nothing until the write lands (a few
     * instructions, unless that producer is descheduled). A runtime should let other consumers run
     * before draining again, rather than spin.
     *
     * @return {@code true} if the caller no longer holds the mailbox; {@code false} if messages are
     *     waiting and the caller still holds it and must drain again
     */
    boolean tryIdle();

    /**
     * Holder only. Closes the mailbox for good and releases it: every message still in it, and every
     * message offered from now on, goes to the dead-letter sink. Messages that race with the close
     * are dead-lettered by whichever producer or holder finds them; none is left behind.
     */
    void close();

    /** {@return whether the mailbox is closed} Thread-safe. */
    boolean isClosed();

    /** {@return whether some party holds the mailbox} Thread-safe; a snapshot. */
    boolean isScheduled();

    /**
     * Thread-safe; an estimate while producers and the consumer run.
     *
     * @return how many user messages are waiting
     */
    int size();

    /** {@return the most user messages the mailbox holds at once, or Integer.MAX_VALUE if unbounded} */
    int capacity();
}
