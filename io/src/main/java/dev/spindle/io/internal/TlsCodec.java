package dev.spindle.io.internal;

import dev.spindle.io.tls.TlsFailure;
import dev.spindle.io.tls.TlsInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Loop-confined, except the delegated tasks it runs on virtual threads. The TLS layer of one
 * {@link Transport}: it drives the {@code SSLEngine} through the handshake, unwraps what the wire
 * brings into plaintext for the handler, wraps the transport's queue into records, and refuses
 * what must not reach the engine or the handler.
 *
 * <ul>
 *   <li>While a delegated task runs (on a virtual thread), nothing here touches the engine, not
 *       even its status (every engine method waits on the lock the task holds): reading stops, and
 *       a close meanwhile is applied by the task's return.</li>
 *   <li>The handshake has a deadline and a byte cap; the first bytes of a server's peer must be a
 *       TLS handshake record (a plaintext HTTP client gets a fixed answer in the clear); after a
 *       TLS 1.2 handshake, a handshake record is a renegotiation, refused. Each is counted.</li>
 *   <li>Buffers: the loop's {@link TlsBuffers}; a connection keeps only a partial record read and
 *       the ciphertext the socket did not take, each sized to what it holds.</li>
 * </ul>
 */
final class TlsCodec {

    private static final Logger LOG = LoggerFactory.getLogger(TlsCodec.class);
    private static final int CONTENT_HANDSHAKE = 22;
    private static final ByteBuffer[] NO_BYTES = {ByteBuffer.allocate(0)};

    private final Transport transport;
    private final IoLoop loop;
    private final Wire wire;
    private final SSLEngine engine;
    private final TlsSetup setup;
    private final TlsBuffers buffers;
    private final WriteBudget budget;

    /** Ciphertext read that is not a whole record yet, or null. */
    private ByteBuffer partial;
    /** Ciphertext wrapped that the wire has not taken, or null. */
    private ByteBuffer unsent;
    private boolean handshaking = true;
    private boolean taskRunning;
    private boolean firstBytesChecked;
    private boolean renegotiationRefusable;
    private boolean closingOutbound;
    private boolean failed;
    /** Set on the loop as the transport closes; read by a delegated task waiting for its turn. */
    private volatile boolean closedMeanwhile;
    private long handshakeBytes;
    private IoLoop.LoopTimer handshakeTimer;
    private TlsInfo info;

    TlsCodec(Transport transport, IoLoop loop, Wire wire, TlsSetup setup, WriteBudget budget) {
        this.transport = transport;
        this.loop = loop;
        this.wire = wire;
        this.engine = setup.engine();
        this.setup = setup;
        this.buffers = loop.tlsBuffers();
        this.budget = budget;
        this.firstBytesChecked = engine.getUseClientMode();
    }

    /** Starts the handshake, and its clock. */
    void start() throws IOException {
        handshakeTimer = loop.schedule(setup.handshakeTimeout().toNanos(), this::handshakeTimedOut);
        engine.beginHandshake();
        advanceHandshake();
    }

    boolean handshaking() {
        return handshaking;
    }

    /** {@return whether the transport should ask the wire for bytes whatever its handler wants} */
    boolean wantsRead() {
        return handshaking && !taskRunning;
    }

    /** {@return whether reading must stop whatever the handler wants (a task holds the engine)} */
    boolean readBlocked() {
        return taskRunning;
    }

    boolean hasUnsent() {
        return unsent != null;
    }

    TlsInfo info() {
        return info;
    }

    // ---- reading --------------------------------------------------------------------------------

    /**
     * The wire has bytes: reads them (after the partial record kept), and unwraps what makes whole
     * records. {@return bytes read from the wire, or -1 at its end}
     */
    int read() throws IOException {
        ByteBuffer net = buffers.netIn.clear();
        if (partial != null) {
            net.put(partial);
            partial = null;
        }
        int n = wire.read(net);
        if (n < 0) {
            if (net.position() > 0) {
                keepPartial(net.flip());
            }
            return -1;
        }
        net.flip();
        if (!firstBytesChecked && net.hasRemaining()) {
            firstBytesChecked = true;
            if (net.get(0) != CONTENT_HANDSHAKE) {
                refusePlaintext(net.get(0));
                return n;
            }
        }
        process(net);
        if (net.hasRemaining() && !transport.isClosed()) {
            keepPartial(net);
        }
        return n;
    }

    private void keepPartial(ByteBuffer net) {
        ByteBuffer kept = ByteBuffer.allocate(net.remaining());
        kept.put(net).flip();
        partial = kept;
    }

    /** Unwraps what {@code net} holds, as far as whole records and the handshake allow. */
    private void process(ByteBuffer net) throws IOException {
        ByteBuffer app = buffers.app.clear(); // the loop's: what is unwrapped into it is delivered before this returns
        try {
            records:
            while (net.hasRemaining() && !transport.isClosed() && !taskRunning) {
                if (!handshaking && !transport.wantsPlaintext()) {
                    break; // the handler reads no more for now: the records wait, still encrypted
                }
                if (handshaking) {
                    HandshakeStatus status = engine.getHandshakeStatus();
                    if (status == HandshakeStatus.NEED_TASK) {
                        runTasks();
                        break;
                    }
                    if (status == HandshakeStatus.NEED_WRAP) {
                        wrapHandshake();
                        continue;
                    }
                    if (status == HandshakeStatus.FINISHED || status == HandshakeStatus.NOT_HANDSHAKING) {
                        opened();
                        continue;
                    }
                } else if (renegotiationRefusable && net.get(net.position()) == CONTENT_HANDSHAKE) {
                    setup.counters().renegotiationRefused();
                    LOG.debug("{}: refused a TLS renegotiation", transport.remoteAddress());
                    failed = true;
                    transport.close(new IOException("the peer started a TLS renegotiation, which is refused"));
                    return;
                }
                SSLEngineResult result = engine.unwrap(net, app);
                if (handshaking && tooMuchHandshake(result.bytesConsumed())) {
                    return;
                }
                switch (result.getStatus()) {
                    case BUFFER_UNDERFLOW -> {
                        break records; // part of a record: the rest comes with a later read; what is unwrapped goes now
                    }
                    case BUFFER_OVERFLOW -> {
                        deliver(app);
                        continue;
                    }
                    case CLOSED -> {
                        deliver(app);
                        transport.peerFin();
                        return;
                    }
                    default -> {
                    }
                }
                afterEngineCall(result.getHandshakeStatus());
                if (app.remaining() < TlsBuffers.RECORD_ROOM) {
                    deliver(app);
                }
            }
        } catch (SSLException e) {
            fail(e);
            return;
        }
        deliver(app);
        if (handshaking && !taskRunning && !transport.isClosed()) {
            advanceHandshake();
        }
    }

    /** Hands the handler what was unwrapped into {@code app}, then clears it. */
    private void deliver(ByteBuffer app) {
        if (app.position() > 0 && !transport.isClosed()) {
            app.flip();
            transport.deliver(app);
        }
        app.clear();
    }

    /** What an engine call left to do: a task, a wrap (a key update's answer), the handshake's end. */
    private void afterEngineCall(HandshakeStatus status) throws IOException {
        switch (status) {
            case NEED_TASK -> runTasks();
            case NEED_WRAP -> {
                if (!handshaking) {
                    transport.flush(); // a post-handshake message to answer (TLS 1.3 key update)
                }
            }
            case FINISHED -> {
                if (handshaking) {
                    opened();
                }
            }
            default -> {
            }
        }
    }

    // ---- the handshake --------------------------------------------------------------------------

    /** Wraps and unwraps what the handshake needs without new bytes from the wire. */
    private void advanceHandshake() throws IOException {
        try {
            while (handshaking && !taskRunning && !transport.isClosed()) {
                HandshakeStatus status = engine.getHandshakeStatus();
                switch (status) {
                    case NEED_WRAP -> wrapHandshake();
                    case NEED_TASK -> runTasks();
                    case NEED_UNWRAP_AGAIN -> {
                        SSLEngineResult result = engine.unwrap(NO_BYTES[0], buffers.app.clear());
                        afterEngineCall(result.getHandshakeStatus());
                    }
                    case FINISHED, NOT_HANDSHAKING -> opened();
                    default -> {
                        transport.updateInterest(); // NEED_UNWRAP: wait for the peer's bytes
                        return;
                    }
                }
            }
        } catch (SSLException e) {
            fail(e);
        }
    }

    /**
     * Counts {@code consumed} bytes of the peer's handshake. {@return whether they pass the cap: the
     * connection is closed, counted} Only what the engine took during the handshake counts: a
     * client's first request, sent right after its Finished (curl sends a whole upload), is data.
     */
    private boolean tooMuchHandshake(int consumed) {
        handshakeBytes += consumed;
        if (handshakeBytes <= setup.maxHandshakeBytes()) {
            return false;
        }
        setup.counters().oversized();
        failWith(new IOException("the peer sent more than " + setup.maxHandshakeBytes() + " bytes before its TLS handshake ended"),
                false);
        return true;
    }

    /** Wraps one handshake message and sends it. */
    private void wrapHandshake() throws IOException {
        ByteBuffer out = buffers.netOut.clear();
        SSLEngineResult result = engine.wrap(NO_BYTES, out);
        counted(result.bytesProduced());
        send(out);
        if (result.getStatus() == SSLEngineResult.Status.CLOSED && handshaking) {
            throw new SSLException("the TLS handshake was closed");
        }
        afterEngineCall(result.getHandshakeStatus());
    }

    /** Runs the engine's delegated tasks on a virtual thread; the loop leaves the engine alone meanwhile. */
    private void runTasks() {
        Runnable first = engine.getDelegatedTask();
        if (first == null) {
            return;
        }
        taskRunning = true;
        transport.updateInterest();
        loop.offload(() -> {
            try {
                // A connection closed while its task waited for a turn (a handshake flood's) costs no crypto.
                for (Runnable task = first; task != null && !closedMeanwhile; task = engine.getDelegatedTask()) {
                    task.run();
                }
            } catch (RuntimeException e) {
                LOG.debug("a TLS delegated task failed", e);
            } finally {
                loop.execute(this::tasksDone);
            }
        }, "spindle-tls-task", setup.counters().handshakeTasks);
    }

    /** {@return whether records read wait to be unwrapped until the handler reads again} */
    boolean hasPartial() {
        return partial != null;
    }

    /** The handler reads again: what waited is unwrapped now (a task on the loop, not inside the handler's call). */
    void unwrapWaiting() {
        if (partial == null || taskRunning || transport.isClosed() || !transport.wantsPlaintext()) {
            return;
        }
        try {
            processPartial();
        } catch (IOException e) {
            transport.close(e);
        }
    }

    /** Unwraps the records kept from earlier reads, keeping what is left of them. */
    private void processPartial() throws IOException {
        ByteBuffer net = buffers.netIn.clear();
        net.put(partial).flip();
        partial = null;
        process(net);
        if (net.hasRemaining() && !transport.isClosed()) {
            keepPartial(net);
        }
    }

    private void tasksDone() {
        taskRunning = false;
        if (transport.isClosed()) {
            return; // closed while the task ran: nothing more to do with the engine
        }
        try {
            if (partial != null) {
                processPartial();
            } else if (handshaking) {
                advanceHandshake();
            }
        } catch (IOException e) {
            transport.close(e);
            return;
        }
        if (!transport.isClosed()) {
            transport.updateInterest();
            if (!handshaking) {
                transport.flush();
            }
        }
    }

    private void opened() {
        handshaking = false;
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
        }
        info = TlsInfo.of(engine);
        renegotiationRefusable = "TLSv1.2".equals(info.protocol()) && !engine.getUseClientMode();
        setup.counters().handshakeFinished();
        transport.opened();
    }

    private void handshakeTimedOut() {
        if (!handshaking || transport.isClosed()) {
            return;
        }
        setup.counters().timedOut();
        failed = true;
        transport.close(new IOException("TLS handshake not finished within " + setup.handshakeTimeout().toMillis() + " ms"));
    }

    /** The first bytes of a server's peer are not TLS. */
    private void refusePlaintext(byte first) throws IOException {
        setup.counters().plaintextRefused();
        failed = true;
        LOG.debug("{}: not TLS (first byte {}); closing", transport.remoteAddress(), first & 0xff);
        byte[] answer = setup.plaintextAnswer();
        if (answer != null && first >= 'A' && first <= 'Z') {
            ByteBuffer[] gather = {ByteBuffer.wrap(answer)};
            wire.write(gather, 0, 1); // best effort, in the clear: the client speaks plaintext
        }
        transport.close(new IOException("the peer's first bytes are not TLS"));
    }

    /** A handshake or record failed: the engine's alert goes if it has one, the connection closes. */
    private void fail(Exception cause) {
        failWith(cause, true);
    }

    private void failWith(Exception cause, boolean count) {
        if (failed) {
            return;
        }
        failed = true;
        if (handshaking && count) {
            setup.counters().handshakeFailed(TlsFailure.of(cause));
        } else if (!handshaking && count) {
            setup.counters().badRecord();
        }
        LOG.debug("{}: TLS failed: {}", transport.remoteAddress(), cause.getMessage());
        if (cause instanceof SSLException && !taskRunning) {
            try {
                ByteBuffer out = buffers.netOut.clear();
                counted(engine.wrap(NO_BYTES, out).bytesProduced()); // the alert that says why, if the engine has one
                send(out);
            } catch (IOException | RuntimeException ignored) {
                // Closing either way.
            }
        }
        transport.close(cause instanceof IOException io ? io : new IOException(cause));
    }

    /** The wire ended (the peer's FIN) before the handshake did: counted as abandoned, then closed. */
    void endedInHandshake() {
        setup.counters().handshakeFailed(TlsFailure.ABANDONED);
        failWith(new IOException("the peer closed the connection during the TLS handshake"), false);
    }

    /**
     * The transport closes with {@code cause} (a reset, a broken pipe) while the handshake is not
     * over and nothing counted it yet: the peer abandoned it.
     */
    void closingInHandshake(IOException cause) {
        if (handshaking && !failed && cause != null) {
            failed = true;
            setup.counters().handshakeFailed(TlsFailure.ABANDONED);
        }
    }

    // ---- writing --------------------------------------------------------------------------------

    /** Output ends: after the queue, {@code close_notify} goes. */
    void closeOutbound() {
        closingOutbound = true;
    }

    /**
     * Writes what waits: ciphertext not taken, then the transport's queue wrapped into records
     * (several queued buffers into one record where they fit), then {@code close_notify} if output
     * is ending. {@return whether nothing waits any more}
     */
    boolean flush() throws IOException {
        if (unsent != null) {
            writeUnsent();
            if (unsent != null) {
                return false;
            }
        }
        if (handshaking || taskRunning) {
            return !transport.hasQueued() && !closingOutbound;
        }
        ByteBuffer out = buffers.netOut.clear();
        ByteBuffer[] gather = loop.gather();
        try {
            while (!engine.isOutboundDone()) {
                if (out.remaining() < TlsBuffers.RECORD_ROOM) {
                    if (!send(out)) {
                        return false;
                    }
                    out = buffers.netOut.clear();
                }
                int count = transport.gather(gather); // the array is free again here (send used it)
                boolean ending = count == 0 && closingOutbound;
                boolean owed = engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
                if (count == 0 && !ending && !owed) {
                    break;
                }
                if (ending) {
                    engine.closeOutbound();
                }
                SSLEngineResult result = count == 0 ? engine.wrap(NO_BYTES, out) : engine.wrap(gather, 0, count, out);
                transport.retireGathered(gather, count);
                counted(result.bytesProduced());
                if (budget != null && result.bytesConsumed() > 0 && budget.release(result.bytesConsumed())) {
                    transport.drained(); // the plaintext is in records now: counted as ciphertext from here
                }
                if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    send(out);
                    runTasks();
                    return false;
                }
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    break;
                }
            }
        } catch (SSLException e) {
            fail(e);
            return false;
        }
        return send(out) && !transport.hasQueued();
    }

    /**
     * Ciphertext the engine made (records of the queue's bytes, handshake messages, alerts) joins
     * the write budget, which the transport's writes release: the budget counts what waits in
     * ciphertext, and comes back to zero.
     */
    private void counted(int produced) {
        if (budget != null && produced > 0) {
            budget.grow(produced);
        }
    }

    /** Writes the ciphertext in {@code out} (write mode); keeps what the wire does not take. {@return whether all went} */
    private boolean send(ByteBuffer out) throws IOException {
        out.flip();
        if (!out.hasRemaining()) {
            return unsent == null;
        }
        if (unsent == null) {
            write(out);
            if (!out.hasRemaining()) {
                return true;
            }
        }
        ByteBuffer rest = ByteBuffer.allocate((unsent == null ? 0 : unsent.remaining()) + out.remaining());
        if (unsent != null) {
            rest.put(unsent);
        }
        rest.put(out).flip();
        unsent = rest;
        return false;
    }

    private void writeUnsent() throws IOException {
        write(unsent);
        if (!unsent.hasRemaining()) {
            unsent = null;
        }
    }

    private void write(ByteBuffer bytes) throws IOException {
        ByteBuffer[] one = loop.gather();
        one[0] = bytes;
        long written;
        try {
            written = wire.write(one, 0, 1);
        } finally {
            one[0] = null;
        }
        if (written > 0) {
            transport.wroteCiphertext(written);
        }
    }

    /** The transport closes: a graceful close sends {@code close_notify} if it can without waiting. */
    void closing(boolean graceful) {
        closedMeanwhile = true;
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
        }
        if (!graceful || taskRunning || failed || handshaking || engine.isOutboundDone()) {
            return;
        }
        try {
            engine.closeOutbound();
            ByteBuffer out = buffers.netOut.clear();
            counted(engine.wrap(NO_BYTES, out).bytesProduced());
            out.flip();
            if (unsent == null) {
                write(out);
            }
        } catch (IOException | RuntimeException ignored) {
            // Closing either way.
        }
    }

    /** {@return whether the peer ended with {@code close_notify} (else its end may be a truncation)} */
    boolean inboundDone() {
        return !taskRunning && engine.isInboundDone();
    }
}
