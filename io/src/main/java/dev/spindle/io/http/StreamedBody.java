package dev.spindle.io.http;

import dev.spindle.io.TcpOptions;
import dev.spindle.io.WriteQueueFullException;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread-safe {@link RequestBodyWriter}; {@link #next} and {@link #close} loop-confined. Writers
 * offer chunks to an MPSC queue; the connection takes one at a time, only when the socket has
 * taken the one before ({@link ClientConnection}), so at most one chunk waits outside the queue.
 *
 * <p>Accounting: {@code queued} counts bytes offered and not yet taken by the connection. A writer
 * that reaches the high-water mark sets {@code drainWanted} before it offers, so the loop, which
 * can only take those bytes after the offer, sees the flag when it subtracts them: the
 * {@link HttpClientEvent.BodyDrained} cannot be missed.
 */
final class StreamedBody implements RequestBodyWriter {

    static final int NOTHING = 0;
    static final int CHUNK = 1;
    static final int END = 2;

    private static final Object LAST = new Object();

    private final ClientExchange exchange;
    private final TcpOptions limits;
    private final MpscUnboundedAtomicArrayQueue<Object> chunks = new MpscUnboundedAtomicArrayQueue<>(16);
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean pumpScheduled = new AtomicBoolean();
    private final Runnable pumpTask = this::pumpFromTask;
    private volatile boolean drainWanted;
    private volatile boolean ended;
    /** The request ended or failed: writes are dropped. */
    private volatile boolean closed;

    StreamedBody(ClientExchange exchange, TcpOptions limits) {
        this.exchange = exchange;
        this.limits = limits;
    }

    @Override
    public ClientRequest request() {
        return exchange.request;
    }

    @Override
    public boolean write(byte[] data) {
        if (ended) {
            throw new IllegalStateException("the body of " + exchange.request + " has ended");
        }
        if (closed) {
            return false;
        }
        int size = data.length;
        if (size == 0) {
            return queued.get() < limits.highWaterMark();
        }
        long total = queued.addAndGet(size);
        if (total > limits.maxQueuedBytes() && total != size) {
            queued.addAndGet(-size);
            throw new WriteQueueFullException("body of " + exchange.request + ": " + (total - size)
                    + " bytes already queued, limit " + limits.maxQueuedBytes() + "; the server is not reading");
        }
        boolean below = total < limits.highWaterMark();
        if (!below) {
            drainWanted = true;
        }
        chunks.offer(data.clone());
        schedulePump();
        return below;
    }

    @Override
    public void end() {
        if (ended) {
            return;
        }
        ended = true;
        chunks.offer(LAST);
        schedulePump();
    }

    private void schedulePump() {
        if (!pumpScheduled.get() && pumpScheduled.compareAndSet(false, true)) {
            exchange.pool.loop.execute(pumpTask);
        }
    }

    private void pumpFromTask() {
        pumpScheduled.set(false);
        // After clearing the flag: a chunk offered from now on schedules another pump.
        ClientConnection connection = exchange.connection;
        if (connection != null) {
            connection.pumpBody(exchange);
        }
    }

    /** Loop thread only: moves the next chunk, framed, into {@code out}. {@return NOTHING, CHUNK or END} */
    int next(List<ByteBuffer> out) {
        assert exchange.pool.loop.inLoop();
        Object item = chunks.poll();
        if (item == null) {
            return NOTHING;
        }
        if (item == LAST) {
            out.add(ClientRequest.lastChunk());
            return END;
        }
        byte[] chunk = (byte[]) item;
        ClientRequest.frameChunk(chunk, out);
        long left = queued.addAndGet(-chunk.length);
        if (drainWanted && left <= limits.lowWaterMark()) {
            drainWanted = false;
            exchange.deliver(new HttpClientEvent.BodyDrained(exchange.request, this));
        }
        return CHUNK;
    }

    /** Loop thread only: the request is over; what waits is dropped and later writes return false. */
    void close() {
        closed = true;
        while (chunks.poll() != null) {
            // Dropped: the server will not read it.
        }
        queued.set(0);
    }
}
