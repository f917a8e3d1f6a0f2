package dev.spindle.mailbox;

/**
 * Immutable. Why a mailbox handed a user message to its {@link DeadLetterSink}.
 */
public enum DropReason {
    /** The mailbox was full and its policy is {@link OverflowPolicy#DROP_NEWEST}. */
    OVERFLOW_NEWEST,
    /** The mailbox was full and its policy is {@link OverflowPolicy#DROP_OLDEST}. */
    OVERFLOW_OLDEST,
    /** The mailbox was closed before the consumer took the message. */
    CLOSED
}
