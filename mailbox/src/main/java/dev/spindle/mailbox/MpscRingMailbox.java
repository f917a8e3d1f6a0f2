package dev.spindle.mailbox;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;

/**
 * Thread-safe for producers; the consumer side belongs to the holder (see {@link Mailbox}).
 * The hot-path mailbox: an LMAX Disruptor {@link RingBuffer} with a multi-producer sequencer,
 * pre-allocated slots, and batch consumption through a sequence barrier.
 *
 * <p>Producers claim a sequence with {@code tryNext()}, write the slot and publish it. The consumer
 * asks the barrier for the highest published sequence once per drain, hands that whole run to the
 * handler, clears each slot as it goes (no retained garbage), and moves its gating sequence once
 * at the end of the run.
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
    private final SequenceBarrier barrier;
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
        this.barrier = ring.newBarrier();
    }

    @Override
    Offer enqueue(M message) {
        long sequence;
        try {
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
        return null;
    }

    @Override
    int drainUser(MailboxHandler<? super S, ? super M> handler, int limit) {
        long next = consumed.get() + 1;
        long available = highestPublished(next);
        if (available < next) {
            return 0;
        }
        long last = Math.min(available, next + limit - 1);
        long sequence = next;
        try {
            while (sequence <= last) {
                // Reading 'available' acquired every system message pushed before these slots were
                // published: look at the lane before each take, so none of them is overtaken.
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
            // One release store per batch frees the whole run for producers.
            consumed.set(sequence - 1);
        }
        return (int) (sequence - next);
    }

    private long highestPublished(long next) {
        try {
            return barrier.waitFor(next);
        } catch (AlertException | InterruptedException | TimeoutException e) {
            // NoWait never waits, times out or reads the alert; the barrier is never alerted.
            throw new IllegalStateException("a non-blocking barrier blocked", e);
        }
    }

    @Override
    boolean isUserQueueEmpty() {
        return !ring.isAvailable(consumed.get() + 1);
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
     * The consumer never waits in the barrier: it is told what is published and goes idle through
     * the handshake when nothing is. Producers never signal: nobody sleeps on the ring.
     */
    enum NoWait implements WaitStrategy {
        INSTANCE;

        @Override
        public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier) {
            return dependentSequence.get();
        }

        @Override
        public void signalAllWhenBlocking() {
            // nobody blocks
        }
    }
}
