package dev.spindle.mailbox;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * Thread-safe for producers; the consumer side belongs to the holder (see {@link Mailbox}).
 * An unbounded mailbox for the millions of mostly idle consumers: it allocates nothing until its
 * first message, then grows in fixed-size chunks linked one after another.
 *
 * <p>Producers claim a slot with one atomic add on the current chunk's claim counter; the
 * producer that claims the first slot past the end links the next chunk, with its message already
 * in it. The consumer clears each slot it takes (no retained garbage) and follows the links; a
 * chunk it has left is garbage. The chunk the consumer is in stays reachable while the mailbox is
 * idle, so a mailbox that has been used keeps one chunk.
 *
 * <p>A producer that has claimed a slot but not yet written it holds up the messages behind it:
 * {@code drain} stops there, and {@code tryIdle()} keeps hold (returns {@code false}) until the
 * write lands. The claim itself, an atomic add, is the producer's store half of the scheduling
 * handshake, so an offer needs no extra fence.
 *
 * @param <S> the type of system messages
 * @param <M> the type of user messages
 */
public final class MpscChunkedMailbox<S, M> extends AbstractMailbox<S, M> {

    /** The default number of slots per chunk. */
    public static final int DEFAULT_CHUNK_SIZE = 32;

    private static final VarHandle PRODUCER_CHUNK;
    private static final VarHandle CONSUMER_CHUNK;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PRODUCER_CHUNK = lookup.findVarHandle(MpscChunkedMailbox.class, "producerChunk", Chunk.class);
            CONSUMER_CHUNK = lookup.findVarHandle(MpscChunkedMailbox.class, "consumerChunk", Chunk.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int chunkSize;
    /** The chunk producers claim slots in; null until the first message. */
    private volatile Chunk producerChunk;
    /** The chunk the consumer reads; set once by the producer that made the first chunk. */
    private volatile Chunk consumerChunk;
    /** Holder only: the next slot to read in {@code consumerChunk}. */
    private int consumerIndex;

    /**
     * An unbounded mailbox with {@link #DEFAULT_CHUNK_SIZE} slots per chunk.
     *
     * @param sink receives what is left when the mailbox is closed
     */
    public MpscChunkedMailbox(DeadLetterSink<? super S, ? super M> sink) {
        this(DEFAULT_CHUNK_SIZE, sink);
    }

    /**
     * @param chunkSize how many slots each chunk has, at least 2
     * @param sink      receives what is left when the mailbox is closed
     */
    public MpscChunkedMailbox(int chunkSize, DeadLetterSink<? super S, ? super M> sink) {
        super(sink);
        if (chunkSize < 2) {
            throw new IllegalArgumentException("chunkSize must be at least 2: " + chunkSize);
        }
        this.chunkSize = chunkSize;
    }

    @Override
    Offer enqueue(M message) {
        for (;;) {
            Chunk chunk = producerChunk;
            if (chunk == null) {
                Chunk first = new Chunk(chunkSize, message);
                if (PRODUCER_CHUNK.compareAndSet(this, null, first)) {
                    // The consumer finds the first chunk here; later ones through the links.
                    CONSUMER_CHUNK.setRelease(this, first);
                    return afterClaim();
                }
                continue;
            }
            int index = chunk.claim();
            if (index < chunkSize) {
                SLOT.setRelease(chunk.slots, index, message);
                return afterClaim();
            }
            // Past the end: link a successor with our message in it, or help whoever did.
            Chunk next = chunk.next;
            if (next == null) {
                Chunk fresh = new Chunk(chunkSize, message);
                if (chunk.casNext(fresh)) {
                    PRODUCER_CHUNK.compareAndSet(this, chunk, fresh);
                    return afterClaim();
                }
                next = chunk.next;
            }
            PRODUCER_CHUNK.compareAndSet(this, chunk, next);
        }
    }

    @Override
    int drainUser(MailboxHandler<? super S, ? super M> handler, int limit) {
        Chunk chunk = consumerChunk;
        if (chunk == null) {
            return 0;
        }
        int index = consumerIndex;
        int taken = 0;
        try {
            while (taken < limit) {
                if (index == chunkSize) {
                    Chunk next = chunk.next;
                    if (next == null) {
                        break;
                    }
                    chunk = next;
                    index = 0;
                    // Only the holder moves it on; the producer's one write happened before any read.
                    CONSUMER_CHUNK.setRelease(this, chunk);
                }
                @SuppressWarnings("unchecked")
                M message = (M) SLOT.getAcquire(chunk.slots, index);
                if (message == null) {
                    break;
                }
                // Seeing the message acquired every system message its producer pushed before it:
                // handle those first, and leave the message in place if the handler stops.
                if (hasNewSystemMessages() && !runSystemLane(handler)) {
                    break;
                }
                chunk.slots[index++] = null;
                taken++;
                if (!handler.onMessage(message)) {
                    break;
                }
            }
        } finally {
            consumerIndex = index;
        }
        return taken;
    }

    /**
     * Looks at what producers claimed, not at what they wrote: every enqueue passes a volatile
     * read-modify-write that shows here, the CAS that installs the first chunk or the atomic add on
     * the chunk the message lands in (a producer that links a chunk added past the end of the one
     * before). A slot claimed and not yet written counts: the holder keeps hold until it lands.
     */
    @Override
    boolean isUserQueueEmpty() {
        Chunk chunk = consumerChunk;
        if (chunk == null) {
            return producerChunk == null;
        }
        // Past the end of the chunk, claimed > chunkSize means a successor is or will be linked.
        return chunk.claimed <= consumerIndex;
    }

    @Override
    public int size() {
        // Racy by design: a snapshot for monitoring. consumerIndex is read without ordering.
        Chunk chunk = consumerChunk;
        if (chunk == null) {
            return 0;
        }
        long size = -Math.min(consumerIndex, chunkSize);
        for (Chunk c = chunk; c != null; c = c.next) {
            size += Math.min(c.claimed, chunkSize);
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, size));
    }

    @Override
    public int capacity() {
        return Integer.MAX_VALUE;
    }

    /** A block of slots; {@code claimed} may run past the end while producers race to link the next. */
    static final class Chunk {
        private static final VarHandle CLAIMED;
        private static final VarHandle NEXT;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                CLAIMED = lookup.findVarHandle(Chunk.class, "claimed", int.class);
                NEXT = lookup.findVarHandle(Chunk.class, "next", Chunk.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Object[] slots;
        volatile int claimed;
        volatile Chunk next;

        /** A chunk whose first slot already holds {@code first}; published by the CAS that links it. */
        Chunk(int size, Object first) {
            slots = new Object[size];
            slots[0] = Objects.requireNonNull(first);
            claimed = 1;
        }

        int claim() {
            return (int) CLAIMED.getAndAdd(this, 1);
        }

        boolean casNext(Chunk successor) {
            return NEXT.compareAndSet(this, null, successor);
        }
    }
}
