package dev.spindle.io.internal;

import dev.spindle.io.TcpOptions;
import dev.spindle.io.WriteQueueFullException;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread-safe: any writer reserves, one consumer (a loop) releases. Node's write flow control for
 * one queue of bytes (a TCP connection, a streamed answer, a streamed upload): a writer counts its
 * bytes in before it queues them and learns whether it is below the high-water mark; past
 * {@link TcpOptions#maxQueuedBytes()} it is refused; the consumer counts bytes out as it sends (or
 * drops) them, and learns when to tell a writer that was refused the mark that the queue has
 * drained to the low-water mark, once.
 *
 * <p>Ordering: the writer adds before it queues, so the consumer's count never under-counts; and
 * it raises {@code drainWanted} before it queues too, so a consumer that takes the write and drains
 * past the low-water mark sees that a writer waits (raised after, the consumer could drain first
 * and never tell).
 */
public final class WriteBudget {

    private final TcpOptions limits;
    private final AtomicLong queued = new AtomicLong();
    private volatile boolean drainWanted;

    public WriteBudget(TcpOptions limits) {
        this.limits = limits;
    }

    /**
     * A writer is about to queue {@code size} bytes: counts them in. Call before queuing them.
     *
     * @param owner what the queue belongs to, for the refusal's message
     * @return {@code true} while below the high-water mark; {@code false} at or past it (the
     *         writer is owed a drained event)
     * @throws WriteQueueFullException if this would pass {@code maxQueuedBytes}; nothing is counted
     */
    public boolean reserve(int size, Object owner) {
        long total = queued.addAndGet(size);
        if (total > limits.maxQueuedBytes() && total != size) {
            queued.addAndGet(-size);
            throw new WriteQueueFullException(owner + ": " + (total - size) + " bytes already queued, limit "
                    + limits.maxQueuedBytes() + "; the other side is not reading");
        }
        if (total < limits.highWaterMark()) {
            return true;
        }
        drainWanted = true;
        return false;
    }

    /**
     * The consumer: the queue grew by {@code size} bytes of its own making (TLS record framing and
     * tags around the bytes counted in), never refused.
     */
    public void grow(long size) {
        queued.addAndGet(size);
    }

    /** {@return whether the queue is below the high-water mark} What a write of nothing returns. */
    public boolean belowHighWater() {
        return queued.get() < limits.highWaterMark();
    }

    /**
     * The consumer: {@code size} bytes left the queue (sent, or dropped). {@return whether to tell
     * the writer now that the queue has drained} (true once per time the mark was reached)
     */
    public boolean release(long size) {
        long left = queued.addAndGet(-size);
        if (drainWanted && left <= limits.lowWaterMark()) {
            drainWanted = false;
            return true;
        }
        return false;
    }

    /** {@return bytes counted in and not yet out} */
    public long queued() {
        return queued.get();
    }
}
