package dev.spindle.io.tls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * Not thread-safe. A client and a server {@code SSLEngine} pumped against each other in memory,
 * on the test's thread: each step runs an engine's delegated tasks, wraps whatever it has to send
 * into the other's inbound buffer, and unwraps what it received; the pump stops when neither side
 * moved a byte. An engine that fails records its exception and then only wraps, so its alert
 * still reaches the other side, as over a socket.
 */
final class EnginePair {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    final SSLEngine client;
    final SSLEngine server;
    SSLException clientFailure;
    SSLException serverFailure;

    private final ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
    private final ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
    private final ByteBuffer clientApp = ByteBuffer.allocate(1 << 17);
    private final ByteBuffer serverApp = ByteBuffer.allocate(1 << 17);

    private EnginePair(SSLEngine client, SSLEngine server) {
        this.client = client;
        this.server = server;
    }

    /** {@return the pair after pumping its handshake until neither side has more to say} */
    static EnginePair handshake(SSLEngine client, SSLEngine server) throws SSLException {
        EnginePair pair = new EnginePair(client, server);
        client.beginHandshake();
        server.beginHandshake();
        pair.pump();
        return pair;
    }

    /** {@return a server engine fed {@code clientBytes} by hand, pumped until it has nothing to do} */
    static EnginePair serverFed(SSLEngine server, byte[] clientBytes) throws SSLException {
        EnginePair pair = new EnginePair(null, server);
        server.beginHandshake();
        pair.toServer.put(clientBytes);
        while (pair.step(server, false)) {
            // until the server neither reads nor writes
        }
        return pair;
    }

    /** {@return whether both sides finished the handshake and neither failed} */
    boolean established() {
        return clientFailure == null && serverFailure == null
                && client.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                && server.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                && !client.isOutboundDone() && !server.isOutboundDone();
    }

    /** Sends {@code text} from the client and returns what the server's application read. */
    String clientSends(String text) throws SSLException {
        client.wrap(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), toServer);
        pump();
        serverApp.flip();
        String received = StandardCharsets.UTF_8.decode(serverApp).toString();
        serverApp.clear();
        return received;
    }

    void pump() {
        for (int round = 0; round < 1_000; round++) {
            boolean moved = step(client, true);
            moved |= step(server, false);
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("the engines were still exchanging after 1,000 rounds");
    }

    private boolean step(SSLEngine engine, boolean isClient) {
        ByteBuffer in = isClient ? toClient : toServer;
        ByteBuffer out = isClient ? toServer : toClient;
        ByteBuffer app = isClient ? clientApp : serverApp;
        boolean moved = false;
        try {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                task.run();
                moved = true;
            }
            if (!engine.isOutboundDone()) {
                moved |= engine.wrap(EMPTY, out).bytesProduced() > 0;
            }
            if (failure(isClient) == null && !engine.isInboundDone() && in.position() > 0) {
                in.flip();
                try {
                    moved |= engine.unwrap(in, app).bytesConsumed() > 0;
                } finally {
                    in.compact();
                }
            }
        } catch (SSLException e) {
            if (failure(isClient) == null) {
                if (isClient) {
                    clientFailure = e;
                } else {
                    serverFailure = e;
                }
                moved = true;
            }
        }
        return moved;
    }

    private SSLException failure(boolean isClient) {
        return isClient ? clientFailure : serverFailure;
    }
}
