package dev.spindle.io.http;

import dev.spindle.io.internal.IoLoop;
import dev.spindle.io.internal.Recipient;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread-safe API; the rest belongs to the connection's loop. A {@link RequestBodyStream}: the
 * parser offers body bytes as they arrive ({@link #take}); they become chunks only while the
 * reader has asked for some, and otherwise stay in the connection, which stops reading.
 */
final class StreamedRequestBody implements RequestBodyStream, RequestParser.BodySink {

    private final HttpConnection connection;
    private final IoLoop loop;
    private final AtomicLong demand = new AtomicLong();
    private final Runnable resume;
    private volatile boolean cancelled;

    // ---- loop-confined ----
    private Recipient<RequestBodyEvent, ?> reader;
    /** End or Failed has been decided: nothing more is delivered. */
    private boolean over;
    /** What ended the body before a reader registered, delivered when one does. */
    private RequestBodyEvent pending;

    StreamedRequestBody(HttpConnection connection, IoLoop loop) {
        this.connection = connection;
        this.loop = loop;
        this.resume = connection::bodyDemand;
    }

    /** Any thread, once (the request checks): the body goes to {@code to}, one chunk asked for. */
    void register(Recipient<RequestBodyEvent, ?> to) {
        demand.incrementAndGet();
        loop.execute(() -> {
            reader = to;
            if (pending != null) {
                reader.deliver(pending);
                pending = null;
            } else {
                connection.bodyReaderRegistered(this);
            }
        });
    }

    @Override
    public void request(int chunks) {
        if (chunks <= 0) {
            throw new IllegalArgumentException("ask for at least one chunk: " + chunks);
        }
        if (demand.getAndAdd(chunks) <= 0) {
            loop.execute(resume);
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
        loop.execute(resume);
    }

    // ---- the loop ----

    boolean cancelled() {
        return cancelled;
    }

    /** {@return whether the parser may hand over bytes now} */
    boolean wantsBytes() {
        return cancelled || (reader != null && demand.get() > 0);
    }

    boolean isOver() {
        return over;
    }

    @Override
    public int take(ByteBuffer in, int length) {
        if (cancelled || over) {
            in.position(in.position() + length); // dropped: nobody reads them
            return length;
        }
        if (reader == null || demand.get() <= 0) {
            return 0;
        }
        demand.decrementAndGet();
        byte[] data = new byte[length];
        in.get(data);
        reader.deliver(new RequestBodyEvent.Chunk(this, data));
        return length;
    }

    void end(long size) {
        finish(new RequestBodyEvent.End(this, size));
    }

    void fail(IOException cause) {
        finish(new RequestBodyEvent.Failed(this, cause));
    }

    private void finish(RequestBodyEvent last) {
        if (over) {
            return;
        }
        over = true;
        if (cancelled) {
            return;
        }
        if (reader != null) {
            reader.deliver(last);
        } else {
            pending = last;
        }
    }
}
