package dev.spindle.mailbox;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

/**
 * Thread-safe for producers; the consumer side belongs to the holder (see {@link Mailbox}).
 * The hot-path mailbox: an LMAX Disruptor {@link RingBuffer} with a multi-producer sequencer,
 * pre-allocated slots, and batch consumption.
 *
 * <p>Producers claim a sequence with {@code tryNext()}, a CAS on the ring's cursor, write the slot
 * and publish it. That CAS is also the producer's store half of the scheduling handshake: the holder
 * going idle looks at the cursor, so an offer needs no fence of its own. The consumer takes the
 * published run slot by slot through the ring's availability flags (what a sequence barrier reads,
 * without reading the contended cursor and without looking past {@code limit}), clears each slot
 * as it goes (no retained garbage), and moves its gating sequence once at the end of the run.
 *
 * <p>A producer that has claimed a sequence and not yet published it holds up the slots behind it:
 * {@code drain} stops there, and {@code tryIdle()} keeps hold (returns {@code false}) until it lands.
 *
 * <p><b>A full ring never blocks.</b> Disruptor's own {@code next()} parks the producer until the
 * consumer frees a slot, and a producer that waits on its consumer deadlocks as soon as two
 * consumers with full mailboxes offer to each other. So a full ring answers at once, by its
 * {@link OverflowPolicy}: {@link OverflowPolicy#FAIL} returns {@link Offer#REJECTED} (the caller
 * keeps the message and decides), {@link OverflowPolicy#DROP_NEWEST} dead-letters it. The ring has
 * a single consumer, so a producer cannot evict the oldest slot: use {@link MpscBoundedMailbox} for
 * {@link OverflowPolicy#DROP_OLDEST}.
 *
 * @param <S> the type of system messages
 * @param <M> the type of user messages
 */
public final class MpscRingMailbox<S, M> extends AbstractMailbox<S, M> {

    private final RingBuffer<Slot> ring;
    /** The last sequence the consumer has taken; gates the producers. */
    private final Sequence consumed = new Sequence();
    private final OverflowPolicy overflow;

    /**
     * @param capacity how many slots the ring has, a power of two
     * @param overflow what a full ring does: {@link OverflowPolicy#FAIL} or
     *                 {@link OverflowPolicy#DROP_NEWEST}
     * @param sink     receives dropped messages, and what is left when the mailbox is closed
     */
    public MpscRingMailbox(int capacity, OverflowPolicy overflow, DeadLetterSink<? super S, ? super M> sink) {
        super(sink);
        if (capacity < 1 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        if (overflow == OverflowPolicy.DROP_OLDEST) {
            throw new IllegalArgumentException(
                    "a Disruptor ring has one consumer and cannot drop its oldest slot: use MpscBoundedMailbox");
        }
        this.overflow = overflow;
        this.ring = RingBuffer.createMultiProducer(Slot::new, capacity, NoWait.INSTANCE);
        this.ring.addGatingSequences(consumed);
    }

    @Override
    Offer enqueue(M message) {
        long sequence;
        try {
            // A CAS on the cursor: the store half of the handshake (isUserQueueEmpty reads the cursor).
            sequence = ring.tryNext();
        } catch (InsufficientCapacityException full) {
            if (overflow == OverflowPolicy.FAIL) {
                return Offer.REJECTED;
            }
            sink.onDropped(message, DropReason.OVERFLOW_NEWEST);
            return Offer.DROPPED;
        }
        ring.get(sequence).message = message;
        // Release: the slot's write happens-before the consumer's acquire of this sequence.
        ring.publish(sequence);
        return afterClaim();
    }

    @Override
    int drainUser(MailboxHandler<? super S, ? super M> handler, int limit) {
        long first = consumed.get() + 1;
        long sequence = first;
        long end = first + limit;
        try {
            // Slot by slot, as far as they are published and no further than the limit: the cursor,
            // which every producer CASes, is not read on this path at all.
            while (sequence < end && ring.isAvailable(sequence)) {
                // Acquiring the slot acquired every system message its producer pushed before
                // publishing it: look at the lane before each take, so none of them is overtaken.
                if (hasNewSystemMessages() && !runSystemLane(handler)) {
                    break;
                }
                Slot slot = ring.get(sequence++);
                @SuppressWarnings("unchecked")
                M message = (M) slot.message;
                slot.message = null;
                if (!handler.onMessage(message)) {
                    break;
                }
            }
        } finally {
            if (sequence != first) {
                // One release store per batch frees the whole run for producers.
                consumed.set(sequence - 1);
            }
        }
        return (int) (sequence - first);
    }

    /**
     * Claimed, not published: a producer that has claimed a sequence and not yet published it
     * counts, and the holder keeps hold until it lands.
     */
    @Override
    boolean isUserQueueEmpty() {
        return ring.getCursor() == consumed.get();
    }

    @Override
    public int size() {
        long size = ring.getCursor() - consumed.get();
        return (int) Math.max(0, Math.min(size, ring.getBufferSize()));
    }

    @Override
    public int capacity() {
        return ring.getBufferSize();
    }

    /** A pre-allocated ring slot; written by its producer before publish, cleared by the consumer. */
    static final class Slot {
        Object message;
    }

    /**
     * Nobody waits on the ring: the consumer reads availability flags and goes idle through the
     * handshake when nothing is published. So producers never signal, and nothing calls waitFor.
     */
    enum NoWait implements WaitStrategy {
        INSTANCE;

        @Override
        public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier) {
            throw new UnsupportedOperationException("nothing waits on a mailbox ring");
        }

        @Override
        public void signalAllWhenBlocking() {
            // nobody blocks
        }
    }
}
