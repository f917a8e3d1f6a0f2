package dev.spindle.io.internal;

import org.jctools.queues.atomic.MpscAtomicArrayQueue;

import java.util.ArrayDeque;

/**
 * One loop's pool of {@link LentBuffer}s. {@link #take()} is loop-thread only; {@link #give} is
 * thread-safe: the loop's own thread keeps what it gives back in a local stack, other threads
 * (the actors that release what they were lent) return it through a bounded MPSC queue the loop
 * drains when its stack runs out. Past either bound a buffer is left to the garbage collector, so
 * a burst of reads held at once costs allocation later, never unbounded memory.
 */
final class BufferPool {

    /** Buffers the loop keeps at most (16 KiB each). */
    static final int MAX_KEPT = 64;

    private final IoLoop loop;
    private final ArrayDeque<LentBuffer> kept = new ArrayDeque<>(MAX_KEPT);
    private final MpscAtomicArrayQueue<LentBuffer> returned = new MpscAtomicArrayQueue<>(MAX_KEPT);
    /** Buffers made, ever (loop thread writes; for tests and stats). */
    private volatile long made;

    BufferPool(IoLoop loop) {
        this.loop = loop;
    }

    /** Loop thread only. {@return a free buffer, cleared} */
    LentBuffer take() {
        LentBuffer buffer = kept.pollFirst();
        if (buffer == null) {
            buffer = returned.relaxedPoll();
            if (buffer == null) {
                made++;
                buffer = new LentBuffer(this);
            }
        }
        buffer.buffer.clear();
        return buffer;
    }

    /** Any thread: {@code buffer} is free again. */
    void give(LentBuffer buffer) {
        if (loop.inLoop()) {
            if (kept.size() < MAX_KEPT) {
                kept.addFirst(buffer);
            }
        } else {
            returned.offer(buffer); // full: left to the garbage collector
        }
    }

    /** {@return buffers made so far} */
    long made() {
        return made;
    }
}
