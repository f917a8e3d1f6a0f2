package dev.spindle.mailbox;

/**
 * Immutable. What a full bounded mailbox does with one more message. Whatever the policy, offer
 * never blocks the producer: a producer that waits for room can deadlock a cycle of consumers that
 * offer to each other.
 */
public enum OverflowPolicy {
    /** The producer gets {@link Offer#REJECTED} and keeps the message. */
    FAIL,
    /** The new message goes to the dead-letter sink; the producer gets {@link Offer#DROPPED}. */
    DROP_NEWEST,
    /** The oldest message goes to the dead-letter sink and the new one is enqueued. */
    DROP_OLDEST
}
