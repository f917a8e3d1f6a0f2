package dev.spindle.io.http;

import dev.spindle.io.TcpOptions;
import dev.spindle.io.internal.WriteBudget;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Thread-safe {@link RequestBodyWriter}; {@link #next} and {@link #close} loop-confined. Writers
 * offer chunks to an MPSC queue; the connection takes one at a time, only when the socket has
 * taken the one before ({@link ClientConnection}), so at most one chunk waits outside the queue.
 *
 * <p>Accounting: a {@link WriteBudget} counts bytes offered and not yet taken by the connection. A writer
 * that reaches the high-water mark says so before it offers, so the loop, which
 * can only take those bytes after the offer, sees the flag when it subtracts them: the
 * {@link HttpClientEvent.BodyDrained} cannot be missed.
 */
final class StreamedBody implements RequestBodyWriter {

    static final int NOTHING = 0;
    static final int CHUNK = 1;
    static final int END = 2;

    private static final Object LAST = new Object();

    private final ClientExchange exchange;
    private final MpscUnboundedAtomicArrayQueue<Object> chunks = new MpscUnboundedAtomicArrayQueue<>(16);
    private final WriteBudget budget;
    private final AtomicBoolean pumpScheduled = new AtomicBoolean();
    private final Runnable pumpTask = this::pumpFromTask;
    private volatile boolean ended;
    /** The request ended or failed: writes are dropped. */
    private volatile boolean closed;

    StreamedBody(ClientExchange exchange, TcpOptions limits) {
        this.exchange = exchange;
        this.budget = new WriteBudget(limits);
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
            return budget.belowHighWater();
        }
        boolean below = budget.reserve(size, this);
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
        if (budget.release(chunk.length)) {
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
        budget.release(budget.queued()); // over: no drained event
    }

    @Override
    public String toString() {
        return "body of " + exchange.request;
    }
}
