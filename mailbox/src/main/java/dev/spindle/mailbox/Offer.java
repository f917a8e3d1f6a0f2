package dev.spindle.mailbox;

/**
 * Immutable. What became of one offered message, and what the producer must do next.
 */
public enum Offer {
    /** Enqueued; the consumer is already scheduled, so the producer has nothing more to do. */
    ENQUEUED,
    /**
     * Enqueued, and this offer turned an idle mailbox into a scheduled one: the producer must now
     * arrange for the consumer to run. Exactly one producer learns this per idle period.
     */
    SCHEDULE,
    /**
     * Not enqueued: the mailbox is full and its policy is {@link OverflowPolicy#FAIL}. The message is
     * the producer's again; the mailbox did not dead-letter it.
     */
    REJECTED,
    /**
     * Not enqueued: the mailbox is full and its policy is {@link OverflowPolicy#DROP_NEWEST}; the
     * message went to the dead-letter sink.
     */
    DROPPED,
    /** Not enqueued: the mailbox is closed; the message went to the dead-letter sink. */
    CLOSED;

    /** {@return whether the producer must now schedule the consumer} */
    public boolean mustSchedule() {
        return this == SCHEDULE;
    }

    /** {@return whether the message is in the mailbox, on its way to the consumer} */
    public boolean isEnqueued() {
        return this == ENQUEUED || this == SCHEDULE;
    }
}
