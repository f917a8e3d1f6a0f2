package dev.spindle.io.http;

import dev.spindle.io.internal.IoLoop;
import dev.spindle.io.internal.Recipient;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Thread-safe {@link ResponseStream} methods (they queue a task for the loop); everything else
 * loop-confined. One request of an {@link HttpClient} and what has come back for it: it waits in
 * its {@link HostPool}, is sent on a {@link ClientConnection}, collects (or streams) its response,
 * and tells its receiver exactly one ending: a response, an end, or a failure.
 */
final class ClientExchange implements ResponseStream {

    final HostPool pool;
    final ClientRequest request;
    final boolean streaming;
    private final Recipient<HttpClientEvent, ?> receiver;
    /** The body the caller writes ({@link HttpClient#upload}), or null. Set before the exchange is submitted. */
    StreamedBody upload;

    // ---- loop-confined ----
    /** The connection it was sent on, while in flight there. */
    ClientConnection connection;
    /** A byte of the response has been read: a retry could repeat what the server did. */
    boolean responseStarted;
    /**
     * If the connection is lost with nothing of the response read, the server cannot have answered
     * it: sent on a reused keep-alive connection (which the server may have closed as it went out),
     * or pipelined behind a response that said {@code Connection: close}.
     */
    boolean lostUnanswered;
    boolean retried;
    boolean done;
    private IoLoop.LoopTimer timer;
    private long demand = 1;
    private int status;
    private HttpHeaders headers;
    private byte[] body;
    private int bodyLength;
    /** The most the body array grows to: the declared length, or the limit. */
    private int bodyCap;
    private long streamed;

    ClientExchange(HostPool pool, ClientRequest request, Recipient<HttpClientEvent, ?> receiver, boolean streaming) {
        this.pool = pool;
        this.request = request;
        this.receiver = receiver;
        this.streaming = streaming;
    }

    boolean isHead() {
        return request.method() == HttpMethod.HEAD;
    }

    /** {@return whether body bytes may be taken now: always when collecting, on demand when streaming} */
    boolean wantsBody() {
        return !streaming || demand > 0;
    }

    boolean retriable() {
        // A written body is consumed as it goes out: it cannot be sent again.
        return !responseStarted && !retried && lostUnanswered && request.idempotent() && upload == null;
    }

    void startTimer(IoLoop loop, long nanos, Runnable onTimeout) {
        cancelTimer();
        timer = loop.schedule(nanos, onTimeout);
    }

    void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    /** The head is parsed: {@return false if the body cannot fit the limit} */
    boolean onHead(ResponseParser parser, int maxBodySize) {
        status = parser.status;
        headers = HttpHeaders.copyOf(parser);
        if (streaming) {
            cancelTimer();
            receiver.deliver(new HttpClientEvent.ResponseHead(request, this, status, headers));
            return true;
        }
        long known = parser.knownRemaining();
        if (known > maxBodySize) {
            return false;
        }
        // Room for what has come, not for what the server declared (a hostile or stalled server
        // would make us hold it): exact up to 16 KiB, then grown with the bytes, capped at the length.
        body = known > 0 ? new byte[(int) Math.min(known, FIRST_BODY_ARRAY)] : HttpRequest.EMPTY;
        bodyCap = known > 0 ? (int) known : maxBodySize;
        bodyLength = 0;
        return true;
    }

    /** The first body array of a response that declared its length: that length, up to this. */
    private static final int FIRST_BODY_ARRAY = 16 * 1024;

    /** {@return the size of the array the body is collected into (a test's view of the memory held)} */
    int bodyCapacity() {
        return body == null ? 0 : body.length;
    }

    /** Body bytes at {@code from} in {@code in}: {@return false if they pass the limit} */
    boolean onBody(ByteBuffer in, int from, int length, int maxBodySize) {
        if (streaming) {
            byte[] data = new byte[length];
            in.get(from, data);
            demand--;
            streamed += length;
            receiver.deliver(new HttpClientEvent.BodyChunk(this, data));
            return true;
        }
        if ((long) bodyLength + length > maxBodySize) {
            return false;
        }
        if (bodyLength + length > body.length) {
            body = Arrays.copyOf(body, Math.min(bodyCap, Math.max(bodyLength + length, 2 * body.length + 1024)));
        }
        in.get(from, body, bodyLength, length);
        bodyLength += length;
        return true;
    }

    void deliver(HttpClientEvent event) {
        receiver.deliver(event);
    }

    void complete() {
        if (done) {
            return;
        }
        done = true;
        cancelTimer();
        closeUpload();
        connection = null;
        if (streaming) {
            receiver.deliver(new HttpClientEvent.ResponseEnd(this, streamed));
        } else {
            byte[] whole = bodyLength == body.length ? body : Arrays.copyOf(body, bodyLength);
            receiver.deliver(new HttpClientEvent.Response(request, status, headers, whole));
        }
        body = null;
    }

    void fail(HttpClientEvent.Failure failure, IOException cause) {
        if (done) {
            return;
        }
        done = true;
        cancelTimer();
        closeUpload();
        connection = null;
        body = null;
        receiver.deliver(new HttpClientEvent.Failed(request, failure, cause));
    }

    private void closeUpload() {
        if (upload != null) {
            upload.close();
        }
    }

    @Override
    public void request(int chunks) {
        if (chunks < 1) {
            throw new IllegalArgumentException("request at least one chunk: " + chunks);
        }
        pool.loop.execute(() -> {
            demand = Math.min(Long.MAX_VALUE / 2, demand + chunks);
            if (connection != null) {
                connection.demandArrived(this);
            }
        });
    }

    @Override
    public void cancel() {
        pool.loop.execute(() -> {
            if (done) {
                return;
            }
            done = true;
            cancelTimer();
            closeUpload();
            if (connection != null) {
                connection.abandon(this);
                connection = null;
            } else {
                pool.forget(this);
            }
        });
    }

    @Override
    public String toString() {
        return "exchange[" + request + "]";
    }
}
