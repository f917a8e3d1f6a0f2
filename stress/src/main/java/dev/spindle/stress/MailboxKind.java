package dev.spindle.stress;

import dev.spindle.mailbox.DeadLetterSink;
import dev.spindle.mailbox.Mailbox;
import dev.spindle.mailbox.MailboxHandler;
import dev.spindle.mailbox.MpscBoundedMailbox;
import dev.spindle.mailbox.MpscChunkedMailbox;
import dev.spindle.mailbox.MpscRingMailbox;
import dev.spindle.mailbox.OverflowPolicy;

/**
 * Immutable. The three mailboxes under test, each with room for {@link #CAPACITY} messages: with
 * two slots (a two-slot chunk), the 3rd, 5th, ... offer wraps the Disruptor ring and the JCTools
 * array and links a new chunk, and the 1st creates the first chunk. No scenario fills a mailbox,
 * so the overflow policy never acts.
 */
enum MailboxKind {
    RING,
    CHUNKED,
    BOUNDED;

    static final int CAPACITY = 2;

    /** Takes every message and forgets it: for fillers. */
    private static final MailboxHandler<Object, Object> DISCARD = new MailboxHandler<>() {
        @Override
        public boolean onSystemMessage(Object message) {
            return true;
        }

        @Override
        public boolean onMessage(Object message) {
            return true;
        }
    };

    <S, M> Mailbox<S, M> create(DeadLetterSink<? super S, ? super M> sink) {
        return switch (this) {
            case RING -> new MpscRingMailbox<>(CAPACITY, OverflowPolicy.FAIL, sink);
            case CHUNKED -> new MpscChunkedMailbox<>(CAPACITY, sink);
            case BOUNDED -> new MpscBoundedMailbox<>(CAPACITY, OverflowPolicy.FAIL, sink);
        };
    }

    /** {@return a new mailbox, held by the caller (through {@code trySchedule()})} */
    <S, M> Mailbox<S, M> createHeld(DeadLetterSink<? super S, ? super M> sink) {
        return createHeld(sink, null, 0);
    }

    /**
     * A new mailbox, held by the caller and empty, that has already taken and handed over
     * {@code fillers} messages: the next offer is its {@code fillers + 1}th.
     */
    <S, M> Mailbox<S, M> createHeld(DeadLetterSink<? super S, ? super M> sink, M filler, int fillers) {
        Mailbox<S, M> mailbox = create(sink);
        if (!mailbox.trySchedule()) {
            throw new IllegalStateException("a new mailbox is not idle: " + mailbox);
        }
        for (int i = 0; i < fillers; i++) {
            mailbox.offer(filler);
        }
        if (mailbox.drain(DISCARD, Integer.MAX_VALUE) != fillers) {
            throw new IllegalStateException("fillers not drained: " + mailbox);
        }
        return mailbox;
    }
}
