package dev.spindle.mailbox;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * The scheduling handshake, the system lane and closing, shared by every mailbox; subclasses supply
 * the user queue. Fields are kept to a minimum: an unbounded mailbox must stay tiny while idle.
 */
abstract sealed class AbstractMailbox<S, M> implements Mailbox<S, M>
        permits MpscRingMailbox, MpscChunkedMailbox, MpscBoundedMailbox {

    /** Set while some party holds the mailbox (runs or is about to run its consumer). */
    static final int HELD = 1;
    /** Set once the mailbox is closed; never cleared. */
    static final int CLOSED = 2;

    private static final VarHandle STATE;
    private static final VarHandle SYSTEM_HEAD;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(AbstractMailbox.class, "state", int.class);
            SYSTEM_HEAD = lookup.findVarHandle(AbstractMailbox.class, "systemHead", SystemNode.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** HELD and CLOSED bits. Only the holder clears HELD or sets CLOSED; anyone may CAS HELD on. */
    private volatile int state;
    /** Treiber stack of system messages, newest first; producers push, the holder takes all. */
    private volatile SystemNode<S> systemHead;
    /** Holder only: system messages taken from the stack, oldest first, not handled yet. */
    private SystemNode<S> systemPending;

    final DeadLetterSink<? super S, ? super M> sink;

    AbstractMailbox(DeadLetterSink<? super S, ? super M> sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    // ---- what subclasses supply ---------------------------------------------------------------

    /**
     * Enqueues a user message and completes the producer's half of the handshake with
     * {@link #afterClaim()} or {@link #afterPublish()}, or decides what else becomes of it when the
     * queue is full.
     *
     * @return the final outcome
     */
    abstract Offer enqueue(M message);

    /**
     * Holder only. Takes up to {@code limit} user messages, calling {@link #runSystemLane} between
     * them when {@link #hasNewSystemMessages()} says so.
     *
     * @return how many user messages were taken
     */
    abstract int drainUser(MailboxHandler<? super S, ? super M> handler, int limit);

    /**
     * Holder only. Whether no producer has passed its store half of the handshake: for a queue
     * whose {@code enqueue} ends with {@link #afterClaim()}, whether no slot is claimed beyond what
     * the consumer took (a claimed slot may not be written yet); for one that ends with
     * {@link #afterPublish()}, whether no message is visible to the consumer.
     */
    abstract boolean isUserQueueEmpty();

    // ---- producers ------------------------------------------------------------------------------

    @Override
    public final Offer offer(M message) {
        Objects.requireNonNull(message, "message");
        if (isClosed()) {
            sink.onDropped(message, DropReason.CLOSED);
            return Offer.CLOSED;
        }
        return enqueue(message);
    }

    @Override
    public final Offer offerSystem(S message) {
        Objects.requireNonNull(message, "message");
        if (isClosed()) {
            sink.onSystemDropped(message);
            return Offer.CLOSED;
        }
        SystemNode<S> node = new SystemNode<>(message);
        SystemNode<S> head;
        do {
            head = systemHead;
            node.next = head;
        } while (!SYSTEM_HEAD.compareAndSet(this, head, node));
        // The successful CAS is the store half of the Dekker pair: tryIdle() reads systemHead.
        return afterClaim();
    }

    /**
     * The producer's half of the handshake, for a message made visible by a release store: a full
     * (StoreLoad) fence orders that store before the read of the state, then {@link #afterClaim()}.
     */
    final Offer afterPublish() {
        VarHandle.fullFence();
        return afterClaim();
    }

    /**
     * The producer's half of the handshake, once its store half is done: a volatile
     * read-modify-write (the CAS or atomic add that claimed the message's slot) that
     * {@link #isUserQueueEmpty()} reads. Volatile accesses are totally ordered, so this read of the
     * state cannot move before that write, and no fence is needed. If nobody holds the mailbox,
     * take hold: of an open one to schedule its consumer, of a closed one to dead-letter what is
     * left in it, since no consumer will come for it.
     */
    final Offer afterClaim() {
        int s;
        do {
            s = state;
            if ((s & HELD) != 0) {
                return Offer.ENQUEUED;
            }
        } while (!STATE.compareAndSet(this, s, s | HELD));
        if ((s & CLOSED) == 0) {
            return Offer.SCHEDULE;
        }
        deadLetterRemaining();
        return Offer.ENQUEUED;
    }

    @Override
    public final boolean trySchedule() {
        int s = state;
        return s == 0 && STATE.compareAndSet(this, 0, HELD);
    }

    // ---- the holder -----------------------------------------------------------------------------

    @Override
    public final int drain(MailboxHandler<? super S, ? super M> handler, int limit) {
        assert isScheduled() : "drain without holding the mailbox";
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        if (!runSystemLane(handler)) {
            return 0;
        }
        return drainUser(handler, limit);
    }

    /** Holder only. Whether system messages arrived since the lane was last emptied. */
    final boolean hasNewSystemMessages() {
        return systemHead != null;
    }

    /**
     * Holder only. Handles every pending system message, oldest first.
     *
     * @return {@code false} if the handler asked to stop; unhandled messages stay pending
     */
    final boolean runSystemLane(MailboxHandler<? super S, ? super M> handler) {
        for (;;) {
            SystemNode<S> node = systemPending;
            if (node == null) {
                node = takeSystemMessages();
                if (node == null) {
                    return true;
                }
            }
            systemPending = node.next;
            node.next = null;
            if (!handler.onSystemMessage(node.message)) {
                return false;
            }
        }
    }

    /** Takes the whole stack in one swap and reverses it into arrival order. */
    private SystemNode<S> takeSystemMessages() {
        if (systemHead == null) {
            return null;
        }
        @SuppressWarnings("unchecked")
        SystemNode<S> newestFirst = (SystemNode<S>) SYSTEM_HEAD.getAndSet(this, null);
        SystemNode<S> oldestFirst = null;
        while (newestFirst != null) {
            SystemNode<S> next = newestFirst.next;
            newestFirst.next = oldestFirst;
            oldestFirst = newestFirst;
            newestFirst = next;
        }
        return oldestFirst;
    }

    private boolean isEmptyForHolder() {
        return systemPending == null && systemHead == null && isUserQueueEmpty();
    }

    @Override
    public final boolean tryIdle() {
        int held = state;
        assert (held & HELD) != 0 : "tryIdle without holding the mailbox";
        if (!isEmptyForHolder()) {
            return false;
        }
        int released = held & ~HELD;
        state = released;
        // StoreLoad: publish the release before looking at the queues again (Dekker with afterClaim).
        VarHandle.fullFence();
        if (isEmptyForHolder()) {
            return true;
        }
        // A message slipped in. Its producer may have taken hold already (then it schedules the
        // consumer and we are done), or we take hold back and drain again: exactly one of the two.
        return !STATE.compareAndSet(this, released, held);
    }

    @Override
    public final void close() {
        int s = state;
        assert (s & HELD) != 0 : "close without holding the mailbox";
        if ((s & CLOSED) != 0) {
            return;
        }
        state = s | CLOSED;
        deadLetterRemaining();
    }

    /** Holder of a closed mailbox only: dead-letter everything, then let go. */
    private void deadLetterRemaining() {
        MailboxHandler<S, M> toSink = new MailboxHandler<>() {
            @Override
            public boolean onSystemMessage(S message) {
                sink.onSystemDropped(message);
                return true;
            }

            @Override
            public boolean onMessage(M message) {
                sink.onDropped(message, DropReason.CLOSED);
                return true;
            }
        };
        do {
            drain(toSink, Integer.MAX_VALUE);
        } while (!tryIdle());
    }

    // ---- observers ------------------------------------------------------------------------------

    @Override
    public final boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    @Override
    public final boolean isScheduled() {
        return (state & HELD) != 0;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{size=" + size() + ", capacity=" + capacity()
                + ", scheduled=" + isScheduled() + ", closed=" + isClosed() + '}';
    }

    /** A system message on its way; {@code next} is newer in the stack, older once taken. */
    static final class SystemNode<S> {
        final S message;
        SystemNode<S> next;

        SystemNode(S message) {
            this.message = message;
        }
    }
}
