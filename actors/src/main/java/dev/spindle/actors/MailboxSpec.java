package dev.spindle.actors;

import dev.spindle.mailbox.OverflowPolicy;

import java.util.Objects;

/**
 * Immutable. Which mailbox an actor gets. A message its mailbox refuses (full, or the actor
 * stopped) becomes a dead letter: counted, and seen by {@link DeadLetters} subscribers.
 */
public sealed interface MailboxSpec {

    /** {@return an unbounded mailbox: a few dozen bytes while idle, grows in chunks} */
    static MailboxSpec unbounded() {
        return Unbounded.INSTANCE;
    }

    /**
     * {@return a pre-allocated Disruptor ring of {@code capacity} slots, for busy actors; a full
     * ring turns further messages into dead letters}
     */
    static MailboxSpec ring(int capacity) {
        return new Ring(capacity);
    }

    /** {@return a bounded mailbox whose {@code overflow} policy decides what a full mailbox drops} */
    static MailboxSpec bounded(int capacity, OverflowPolicy overflow) {
        return new Bounded(capacity, overflow);
    }

    /** The unbounded, chunked mailbox. */
    enum Unbounded implements MailboxSpec { INSTANCE }

    /** A Disruptor ring; {@code capacity} a power of two. */
    record Ring(int capacity) implements MailboxSpec {
        public Ring {
            if (capacity < 1 || Integer.bitCount(capacity) != 1) {
                throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
            }
        }
    }

    /** A bounded mailbox with an overflow policy. */
    record Bounded(int capacity, OverflowPolicy overflow) implements MailboxSpec {
        public Bounded {
            if (capacity < 2) {
                throw new IllegalArgumentException("capacity must be at least 2: " + capacity);
            }
            Objects.requireNonNull(overflow, "overflow");
        }
    }
}
