package dev.spindle.io.internal;

import dev.spindle.io.tls.TlsInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Loop-confined. One connection's socket work under its protocol {@link Handler}: it reads and
 * hands the handler what came, keeps the outbound queue and writes it in order (gathering), asks
 * for write readiness only while the kernel's buffer is full, half-closes after the queue drains,
 * lingers for the peer's FIN, and closes once, with a reason. TCP connections, the HTTP server's
 * connections and the HTTP client's are handlers on it; TLS is a layer inside it, so that every
 * protocol gets it once and the queue is counted in the bytes that go on the {@link Wire}.
 *
 * <p>Ownership: the handler's queued buffers belong to the transport until written or dropped
 * ({@link Outbound#done()} says so); what {@link Handler#onRead} gets is the loop's buffer, valid
 * during the call only. A {@link WriteBudget}, if given, is reserved by the handler's writers (any
 * thread) and released here as bytes leave for the wire.
 */
public final class Transport {

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    /** What a protocol does with a connection. Loop thread only, like the transport. */
    public interface Handler {

        /** The connection is ready for the protocol (after the TLS handshake, under TLS). */
        void onOpen();

        /** Bytes read: {@code bytes} is position to limit, valid during this call only. */
        void onRead(ByteBuffer bytes);

        /** The peer sends no more: its FIN (or TLS {@code close_notify}). */
        void onPeerFin();

        /** The queue drained after it had waited for the socket. */
        default void onFlushed() {
        }

        /** The write budget drained to its low-water mark after a writer passed the high one. */
        default void onDrained() {
        }

        /** {@code bytes} went to the wire in one flush (for counting). */
        default void onWrote(long bytes) {
        }

        /** {@code bytes} queued will never be sent: the connection closed first. */
        default void onDropped(long bytes) {
        }

        /** The loop shuts down; the connection closes right after (a handler may tell whoever waits on it why). */
        default void onLoopShutdown() {
        }

        /** The connection closed; {@code cause} is null for an orderly close. Called once. */
        void onClosed(IOException cause);

        /**
         * {@return a buffer of the handler's to read plaintext into, cleared, or null for the
         * loop's} The handler then gets that same buffer in {@link #onRead}.
         */
        default ByteBuffer readTarget() {
            return null;
        }
    }

    private enum AfterFlush {
        NOTHING, SHUTDOWN_OUTPUT, CLOSE
    }

    private final IoLoop loop;
    private final Wire wire;
    private final WriteBudget budget;
    private Handler handler;
    private final ArrayDeque<Object> queue = new ArrayDeque<>(4);
    /** The TLS layer, or null for plaintext. */
    private final TlsCodec tls;
    private boolean peerFinSeen;
    private boolean truncated;
    private AfterFlush afterFlush = AfterFlush.NOTHING;
    private boolean reading;
    private boolean inputShut;
    private boolean outputShut;
    private boolean closed;
    private long lingerNanos = -1;
    private IoLoop.LoopTimer lingerTimer;
    private long bytesRead;
    private long bytesWritten;

    /**
     * {@code budget}: what the handler's writers reserve, or null if the handler counts nothing;
     * {@code tls}: the engine and limits to speak TLS with, or null for plaintext.
     */
    public Transport(IoLoop loop, Wire wire, WriteBudget budget, TlsSetup tls) {
        this.loop = loop;
        this.wire = wire;
        this.budget = budget;
        this.tls = tls == null ? null : new TlsCodec(this, loop, wire, tls, budget);
    }

    /**
     * Joins the wire and opens: {@code handler} hears {@link Handler#onOpen()} before anything
     * else, at once, or under TLS once the handshake has finished (if it fails, only
     * {@link Handler#onClosed}).
     */
    public void start(Handler owner) throws IOException {
        assert loop.inLoop();
        handler = owner;
        wire.attach(this);
        if (tls == null) {
            handler.onOpen();
        } else {
            tls.start();
        }
    }

    /** {@return what the TLS handshake agreed, or null without TLS (or before it finished)} */
    public TlsInfo tlsInfo() {
        return tls == null ? null : tls.info();
    }

    /** {@return whether the peer's end came without TLS {@code close_notify}: what it sent may be cut short} */
    public boolean truncated() {
        return truncated;
    }

    // ---- what the TLS layer tells ---------------------------------------------------------------

    void opened() {
        handler.onOpen();
        if (!closed && !queue.isEmpty()) {
            flush();
        }
    }

    void deliver(ByteBuffer plaintext) {
        handler.onRead(plaintext);
    }

    void drained() {
        handler.onDrained();
    }

    void wroteCiphertext(long bytes) {
        bytesWritten += bytes;
        if (budget != null && budget.release(bytes)) {
            handler.onDrained();
        }
        handler.onWrote(bytes);
    }

    /** The peer sends no more: its FIN, or under TLS its {@code close_notify} (which comes first). */
    void peerFin() {
        inputShut = true;
        updateInterest();
        if (!peerFinSeen) {
            peerFinSeen = true;
            handler.onPeerFin();
        }
        if (outputShut && !closed) {
            close(null); // both ways done
        }
    }

    public InetSocketAddress remoteAddress() {
        return wire.remoteAddress();
    }

    public InetSocketAddress localAddress() {
        return wire.localAddress();
    }

    /** {@return bytes read from the wire so far} */
    public long bytesRead() {
        return bytesRead;
    }

    /** {@return bytes written to the wire so far} */
    public long bytesWritten() {
        return bytesWritten;
    }

    public boolean isClosed() {
        return closed;
    }

    public boolean isOutputShut() {
        return outputShut || afterFlush != AfterFlush.NOTHING;
    }

    /** {@return whether bytes wait for the socket: queued, or under TLS wrapped and not taken yet} */
    public boolean hasQueued() {
        return !queue.isEmpty() || (tls != null && tls.hasUnsent());
    }

    /** Reads (and hands the handler what comes) while {@code on}; stops asking the wire otherwise. */
    public void setReading(boolean on) {
        reading = on;
        updateInterest();
        if (on && tls != null && tls.hasPartial()) {
            loop.execute(tls::unwrapWaiting); // records read while the handler was not reading
        }
    }

    /** {@return whether the handler takes what is read now} */
    boolean wantsPlaintext() {
        return reading && !closed;
    }

    // ---- writing --------------------------------------------------------------------------------

    /**
     * Adds {@code item} (a {@link ByteBuffer} the caller no longer changes, or an {@link Outbound})
     * to the queue, to go at the next {@link #flush()}. {@return false if the output is shut or
     * the connection closed: nothing was queued, and an {@link Outbound} was not told done}
     */
    public boolean queue(Object item) {
        if (closed || isOutputShut()) {
            return false;
        }
        queue.addLast(item);
        return true;
    }

    /**
     * Writes {@code staged} now if nothing waits before it; what the socket does not take is
     * copied and queued, so the caller may reuse {@code staged} at once. {@return whether all went}
     */
    public boolean writeCopying(ByteBuffer staged) {
        if (closed || isOutputShut()) {
            return false;
        }
        if (!hasQueued()) {
            queue.addLast(staged);
            flush();
            if (!hasQueued()) {
                return !closed;
            }
            if (queue.peekFirst() != staged) {
                return false; // wrapped whole (TLS): its ciphertext waits in the codec, a copy already
            }
            queue.pollFirst(); // staged, partly written: its rest is copied below
        }
        ByteBuffer copy = ByteBuffer.allocate(staged.remaining());
        copy.put(staged).flip();
        queue.addLast(copy);
        updateInterest();
        return false;
    }

    /** Queues {@code bytes} (not changed by the caller again) and flushes. {@return whether all went} */
    public boolean write(ByteBuffer bytes) {
        if (!queue(bytes)) {
            return false;
        }
        flush();
        return !hasQueued();
    }

    /**
     * Writes what the socket takes from the queue, in order; asks for write readiness if some is
     * left. A failure closes the connection. {@return whether the queue is empty}
     */
    public boolean flush() {
        if (closed) {
            return false;
        }
        boolean empty;
        try {
            empty = tls == null ? flushPlain() : tls.flush();
        } catch (IOException e) {
            close(e);
            return false;
        }
        if (closed) {
            return false;
        }
        if (empty && afterFlush != AfterFlush.NOTHING) {
            runAfterFlush();
            return true;
        }
        updateInterest();
        return empty;
    }

    private boolean flushPlain() throws IOException {
        long sent = 0;
        try {
            ByteBuffer[] gather = loop.gather();
            while (!queue.isEmpty()) {
                int count = gather(gather);
                long written = wire.write(gather, 0, count);
                int done = retireGathered(gather, count);
                if (written > 0) {
                    sent += written;
                    if (budget != null && budget.release(written)) {
                        handler.onDrained();
                    }
                }
                if (done < count) {
                    return false; // the kernel's buffer is full: wait for write readiness
                }
            }
            return true;
        } finally {
            if (sent > 0) {
                bytesWritten += sent;
                handler.onWrote(sent);
            }
        }
    }

    /** Fills {@code gather} with the queue's first buffers, up to its length. {@return how many} */
    int gather(ByteBuffer[] gather) {
        int count = 0;
        for (Object item : queue) {
            if (count == gather.length) {
                break;
            }
            gather[count++] = bytesOf(item);
        }
        return count;
    }

    /**
     * After a write or wrap from {@code gather[0..count)}: takes the buffers used up off the queue
     * (telling each {@link Outbound} it is done) and empties the array. {@return how many were used up}
     */
    int retireGathered(ByteBuffer[] gather, int count) {
        int done = 0;
        while (done < count && !gather[done].hasRemaining()) {
            done++;
        }
        java.util.Arrays.fill(gather, 0, count, null);
        for (int i = 0; i < done; i++) {
            if (queue.pollFirst() instanceof Outbound outbound) {
                outbound.done();
            }
        }
        return done;
    }

    /** {@return the bytes a queued item holds: a {@link ByteBuffer}, or an {@link Outbound}'s} */
    static ByteBuffer bytesOf(Object item) {
        return item instanceof ByteBuffer bytes ? bytes : ((Outbound) item).bytes();
    }

    // ---- ending ---------------------------------------------------------------------------------

    /** Sends FIN once the queue has drained; closes then if the peer's FIN came already. */
    public void shutdownOutput() {
        if (!isOutputShut()) {
            endWhenFlushed(AfterFlush.SHUTDOWN_OUTPUT);
        }
    }

    /** Closes once the queue has drained. */
    public void closeWhenFlushed() {
        endWhenFlushed(AfterFlush.CLOSE);
    }

    /** After what is queued (and under TLS, {@code close_notify}): {@code what}. */
    private void endWhenFlushed(AfterFlush what) {
        if (closed) {
            return;
        }
        afterFlush = what;
        if (tls != null) {
            tls.closeOutbound();
        }
        flush();
    }

    /**
     * Half-closes once the queue has drained, then keeps reading (the handler decides what to do
     * with what comes) until the peer's FIN, or {@code lingerNanos}, whichever is first, and closes.
     */
    public void finish(long lingerNanos) {
        if (closed) {
            return;
        }
        this.lingerNanos = lingerNanos;
        if (outputShut) {
            startLinger();
        } else {
            shutdownOutput();
        }
    }

    private void runAfterFlush() {
        AfterFlush what = afterFlush;
        afterFlush = AfterFlush.NOTHING;
        if (what == AfterFlush.CLOSE) {
            close(null);
            return;
        }
        outputShut = true;
        try {
            wire.shutdownOutput();
        } catch (IOException e) {
            close(e);
            return;
        }
        if (inputShut) {
            close(null);
            return;
        }
        if (lingerNanos >= 0) {
            startLinger();
        }
        updateInterest();
    }

    private void startLinger() {
        if (lingerTimer == null && !closed) {
            reading = true; // to see the FIN
            updateInterest();
            lingerTimer = loop.schedule(lingerNanos, () -> close(null));
        }
    }

    /** Closes at once: what is queued is dropped (counted), the handler hears {@code cause}. */
    public void close(IOException cause) {
        if (closed) {
            return;
        }
        closed = true;
        if (tls != null) {
            tls.closingInHandshake(cause);
            tls.closing(cause == null);
        }
        wire.close();
        end(cause);
    }

    /** Resets the connection (RST): queued bytes and the kernel's are dropped. */
    public void abort(IOException cause) {
        if (closed) {
            return;
        }
        closed = true;
        if (tls != null) {
            tls.closing(false);
        }
        wire.reset();
        end(cause);
    }

    private void end(IOException cause) {
        if (lingerTimer != null) {
            lingerTimer.cancel();
        }
        long droppedBytes = 0;
        for (Object item; (item = queue.pollFirst()) != null; ) {
            droppedBytes += bytesOf(item).remaining();
            if (item instanceof Outbound outbound) {
                outbound.done();
            }
        }
        if (droppedBytes > 0) {
            if (budget != null) {
                budget.release(droppedBytes); // closing: no drained event
            }
            handler.onDropped(droppedBytes);
        }
        handler.onClosed(cause);
    }

    // ---- the wire's readiness -------------------------------------------------------------------

    /** The wire is ready to read and/or write. */
    void onReady(boolean readable, boolean writable) {
        if (writable && !closed) {
            if (flush() && !closed) {
                handler.onFlushed();
            }
        }
        if (readable && !closed) {
            read();
        }
    }

    private void read() {
        if (tls != null) {
            readTls();
            return;
        }
        ByteBuffer target = handler.readTarget();
        ByteBuffer buffer = target != null ? target : loop.readBuffer();
        int n;
        try {
            n = wire.read(buffer);
        } catch (IOException e) {
            close(e);
            return;
        }
        if (n > 0) {
            bytesRead += n;
            buffer.flip();
            handler.onRead(buffer);
        } else if (n < 0) {
            peerFin();
        }
    }

    private void readTls() {
        int n;
        try {
            n = tls.read();
        } catch (IOException e) {
            close(e);
            return;
        }
        if (n > 0) {
            bytesRead += n;
        } else if (n < 0 && !closed) {
            if (tls.handshaking()) {
                tls.endedInHandshake();
                return;
            }
            truncated = !tls.inboundDone();
            peerFin();
        }
    }

    void updateInterest() {
        if (closed) {
            return;
        }
        boolean read;
        boolean write;
        if (tls == null) {
            read = reading && !inputShut;
            write = !queue.isEmpty();
        } else {
            read = !tls.readBlocked() && !inputShut && (reading || tls.wantsRead());
            write = tls.hasUnsent() || (!tls.handshaking() && !tls.readBlocked() && !queue.isEmpty());
        }
        wire.interest((read ? Wire.READ : 0) | (write ? Wire.WRITE : 0));
    }

    /** The loop shuts down: the handler hears it first, then the connection closes. */
    void closeOnShutdown() {
        handler.onLoopShutdown();
        close(null);
    }

    /** Handling this connection threw {@code failure}. */
    void closeOnFailure(Throwable failure) {
        LOG.debug("closing {} after a failure", wire.remoteAddress(), failure);
        close(new IOException("the io loop failed handling this connection: " + failure, failure));
    }
}
