package dev.spindle.io.http;

import dev.spindle.io.TcpOptions;
import dev.spindle.io.internal.Recipient;
import dev.spindle.io.internal.WriteBudget;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread-safe API; the fields marked loop-confined belong to the connection's loop. A
 * {@link ResponseWriter}: writers queue copies of their bytes here (MPSC), the connection takes
 * them on its loop when the answer is at the head of the line, and tells the writer what happened.
 */
final class StreamedAnswer implements ResponseWriter {

    private final HttpConnectionSink connection;
    private final Executor loop;
    private final Recipient<ResponseWriterEvent, ?> events;
    /** The declared {@code Content-Length}, or -1: chunked (close-delimited for HTTP/1.0). */
    final long declaredLength;
    private final MpscUnboundedAtomicArrayQueue<byte[]> chunks = new MpscUnboundedAtomicArrayQueue<>(16);
    private final WriteBudget budget;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean ended;
    private volatile boolean aborted;
    private volatile boolean closed;
    /** The server is shutting down: writes from now on are dropped, and the stream ends after what is queued. */
    private volatile boolean takingNoMore;

    // ---- loop-confined ----
    boolean headSent;
    /** Body bytes handed to the connection. */
    long sent;

    StreamedAnswer(HttpConnectionSink connection, Executor loop, Recipient<ResponseWriterEvent, ?> events,
            TcpOptions limits, long declaredLength) {
        this.connection = connection;
        this.loop = loop;
        this.events = events;
        this.budget = new WriteBudget(limits);
        this.declaredLength = declaredLength;
    }

    @Override
    public boolean write(byte[] data) {
        Objects.requireNonNull(data, "data");
        if (ended) {
            throw new IllegalStateException("this stream has ended");
        }
        int size = data.length;
        if (closed || takingNoMore) {
            dropped.addAndGet(size);
            return false;
        }
        boolean below = budget.reserve(size, this);
        chunks.offer(data.clone());
        if (closed) {
            // Closed while we queued: the loop may have looked for the last time; let it count ours.
            loop.execute(this::dropQueued);
            return false;
        }
        connection.streamed();
        return below;
    }

    @Override
    public boolean write(String text) {
        return write(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void end() {
        if (!ended) {
            ended = true;
            connection.streamed();
        }
    }

    @Override
    public void abort() {
        if (!aborted) {
            aborted = true;
            connection.streamed();
        }
    }

    @Override
    public long queuedBytes() {
        return budget.queued();
    }

    @Override
    public long droppedBytes() {
        return dropped.get();
    }

    // ---- the loop ----

    boolean aborted() {
        return aborted;
    }

    boolean isClosed() {
        return closed;
    }

    /** Loop. Takes no more writes (they are dropped and counted): the stream ends after what is queued. */
    void stopTaking() {
        takingNoMore = true;
    }

    /** Loop. {@return the next chunk queued, or null} The writer is told when the queue has drained. */
    byte[] poll() {
        byte[] chunk = chunks.poll();
        if (chunk != null) {
            if (budget.release(chunk.length)) {
                events.deliver(new ResponseWriterEvent.Drained(this));
            }
        }
        return chunk;
    }

    /** Loop. {@return whether the writer has ended and everything it wrote has been taken} */
    boolean finished() {
        // ended is written after the last chunk is queued: once seen, the queue holds all there is.
        return ended && chunks.isEmpty();
    }

    /** Loop, once: the stream is over ({@code cause} null: as asked); what is still queued is dropped. */
    void close(IOException cause) {
        if (closed) {
            return;
        }
        closed = true;
        dropQueued();
        events.deliver(new ResponseWriterEvent.Closed(this, cause));
    }

    private void dropQueued() {
        for (byte[] chunk; (chunk = chunks.poll()) != null; ) {
            budget.release(chunk.length); // over: no drained event
            dropped.addAndGet(chunk.length);
        }
    }

    @Override
    public String toString() {
        return "ResponseWriter[" + (declaredLength >= 0 ? "length " + declaredLength : "chunked") + "]";
    }
}
