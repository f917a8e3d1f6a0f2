package dev.spindle.perf.tls;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * Not thread-safe; one thread drives both engines. Handshakes a client and a server
 * {@code SSLEngine} wired back to back through two buffers made once, pumped in one thread: the
 * handshake (delegated tasks run inline) and what follows it (TLS 1.3's NewSessionTicket) until
 * neither engine wants anything and no byte is in flight. The server's share, time, CPU time and
 * bytes allocated by its engine calls and tasks, is added to a {@link ServerShare} when one is
 * given (the counters are read twice per step, about a dozen steps per handshake).
 */
final class EnginePump {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Far above the dozen steps a TLS 1.3 or 1.2 handshake takes: only a stuck pair reaches it. */
    private static final int MAX_STEPS = 200;

    /** Client to server, in fill mode (position = end of the bytes not read yet). */
    private final ByteBuffer toServer;
    /** Server to client, in fill mode. */
    private final ByteBuffer toClient;
    private final ByteBuffer clientApplication;
    private final ByteBuffer serverApplication;

    /** Buffers sized for engines like {@code sample} (the JDK's are all the same: 16,709 and 16,704 bytes). */
    EnginePump(SSLEngine sample) {
        int packet = sample.getSession().getPacketBufferSize();
        int application = sample.getSession().getApplicationBufferSize();
        // Two packets: wrap refuses a destination with less than a whole packet's room, even for a
        // handshake message of a hundred bytes, and one side may wrap again before the other reads.
        this.toServer = ByteBuffer.allocate(2 * packet);
        this.toClient = ByteBuffer.allocate(2 * packet);
        this.clientApplication = ByteBuffer.allocate(application);
        this.serverApplication = ByteBuffer.allocate(application);
    }

    /**
     * Handshakes the pair and drains what follows it; throws if the engines stop making progress.
     *
     * @param share where the server's time and allocation go, or {@code null}
     */
    void handshake(SSLEngine client, SSLEngine server, ServerShare share) throws SSLException {
        client.beginHandshake();
        server.beginHandshake();
        for (int step = 0; step < MAX_STEPS; step++) {
            boolean moved = step(client, toServer, toClient, clientApplication);
            if (share == null) {
                moved |= step(server, toClient, toServer, serverApplication);
            } else {
                long bytes = ServerShare.allocatedBytes();
                long cpu = ServerShare.cpuTime();
                long start = System.nanoTime();
                moved |= step(server, toClient, toServer, serverApplication);
                long nanos = System.nanoTime() - start;
                share.add(nanos, ServerShare.cpuTime() - cpu, ServerShare.allocatedBytes() - bytes);
            }
            if (!moved) {
                if (settled(client, server)) {
                    return;
                }
                throw new SSLException("the engines stopped: client " + client.getHandshakeStatus() + ", server "
                        + server.getHandshakeStatus() + ", in flight " + toServer.position() + " + " + toClient.position());
            }
        }
        throw new SSLException("no handshake after " + MAX_STEPS + " steps");
    }

    private boolean settled(SSLEngine client, SSLEngine server) {
        return client.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                && server.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                && toServer.position() == 0 && toClient.position() == 0
                && clientApplication.position() == 0 && serverApplication.position() == 0;
    }

    /** One move of one engine; {@return whether it produced, consumed or ran anything} */
    private static boolean step(SSLEngine engine, ByteBuffer out, ByteBuffer in, ByteBuffer application)
            throws SSLException {
        HandshakeStatus status = engine.getHandshakeStatus();
        switch (status) {
            case NEED_TASK -> {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
                return true;
            }
            case NEED_WRAP -> {
                if (out.remaining() < engine.getSession().getPacketBufferSize()) {
                    return false; // the peer reads first
                }
                SSLEngineResult result = engine.wrap(EMPTY, out);
                expectOk(result, "wrap");
                return true;
            }
            case NEED_UNWRAP, NEED_UNWRAP_AGAIN, NOT_HANDSHAKING, FINISHED -> {
                if (in.position() == 0 && status != HandshakeStatus.NEED_UNWRAP_AGAIN) {
                    return false;
                }
                in.flip();
                SSLEngineResult result = engine.unwrap(in, application);
                in.compact();
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    return false;
                }
                expectOk(result, "unwrap");
                if (application.position() > 0) {
                    throw new SSLException("application data during the handshake: " + application.position() + " bytes");
                }
                return result.bytesConsumed() > 0 || result.bytesProduced() > 0
                        || result.getHandshakeStatus() != status;
            }
        }
        throw new AssertionError(status);
    }

    static void expectOk(SSLEngineResult result, String call) throws SSLException {
        if (result.getStatus() != SSLEngineResult.Status.OK) {
            throw new SSLException(call + ": " + result);
        }
    }
}
