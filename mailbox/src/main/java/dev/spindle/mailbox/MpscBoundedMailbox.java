package dev.spindle.mailbox;

import java.util.Objects;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;

/**
 * Thread-safe for producers; the consumer side belongs to the holder (see {@link Mailbox}).
 * A bounded mailbox with an {@link OverflowPolicy}: when it is full, a producer is refused
 * ({@link OverflowPolicy#FAIL}), its message is dead-lettered ({@link OverflowPolicy#DROP_NEWEST}),
 * or the oldest message is dead-lettered to make room ({@link OverflowPolicy#DROP_OLDEST}).
 *
 * <p>Built on JCTools' {@code MpmcAtomicArrayQueue} (field updaters, no {@code sun.misc.Unsafe}):
 * a multi-consumer array queue, because dropping the oldest means a producer takes from the head
 * while the consumer does. Everybody else still sees one consumer. The system lane is unbounded and
 * never dropped, whatever the policy.
 *
 * @param <S> the type of system messages
 * @param <M> the type of user messages
 */
public final class MpscBoundedMailbox<S, M> extends AbstractMailbox<S, M> {

    private final MpmcAtomicArrayQueue<M> queue;
    private final OverflowPolicy overflow;
    /**
     * Holder only: a message taken from the queue whose system messages stopped the drain before
     * it could be handled; it goes first next time. Not counted against the capacity.
     */
    private M held;

    /**
     * @param capacity the most user messages held at once, at least 2; rounded up to a power of two
     *                 (see {@link #capacity()})
     * @param overflow what a full mailbox does
     * @param sink     receives dropped messages, and what is left when the mailbox is closed
     */
    public MpscBoundedMailbox(int capacity, OverflowPolicy overflow, DeadLetterSink<? super S, ? super M> sink) {
        super(sink);
        if (capacity < 2 || capacity > 1 << 30) {
            throw new IllegalArgumentException("capacity must be in [2, 2^30]: " + capacity);
        }
        this.queue = new MpmcAtomicArrayQueue<>(capacity);
        this.overflow = Objects.requireNonNull(overflow, "overflow");
    }

    @Override
    Offer enqueue(M message) {
        while (!queue.offer(message)) {
            switch (overflow) {
                case FAIL -> {
                    return Offer.REJECTED;
                }
                case DROP_NEWEST -> {
                    sink.onDropped(message, DropReason.OVERFLOW_NEWEST);
                    return Offer.DROPPED;
                }
                case DROP_OLDEST -> {
                    M oldest = queue.relaxedPoll();
                    if (oldest != null) {
                        sink.onDropped(oldest, DropReason.OVERFLOW_OLDEST);
                    }
                }
            }
        }
        // The queue's claim is a CAS on its producer index, but isUserQueueEmpty() looks at the
        // element (see there), so the element's release store must be fenced before the state read.
        return afterPublish();
    }

    @Override
    int drainUser(MailboxHandler<? super S, ? super M> handler, int limit) {
        int taken = 0;
        while (taken < limit) {
            M message = held;
            if (message != null) {
                held = null;
            } else if ((message = queue.relaxedPoll()) == null) {
                break;
            }
            // Taking the message acquired every system message its producer pushed before it;
            // those go first. Peeking first would not do: with DROP_OLDEST a producer may take the
            // peeked message and leave us a newer one.
            if (hasNewSystemMessages() && !runSystemLane(handler)) {
                held = message;
                break;
            }
            taken++;
            if (!handler.onMessage(message)) {
                break;
            }
        }
        return taken;
    }

    @Override
    boolean isUserQueueEmpty() {
        // Looks at the element, not the indices: a producer that has claimed a slot but not yet
        // written it counts as absent, and its own handshake schedules the consumer afterwards.
        return held == null && queue.relaxedPeek() == null;
    }

    @Override
    public int size() {
        return queue.size() + (held != null ? 1 : 0);
    }

    @Override
    public int capacity() {
        return queue.capacity();
    }
}
