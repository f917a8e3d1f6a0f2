package dev.spindle.perf.http;

import dev.spindle.io.tls.TlsClientContext;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * Single-threaded. A {@link ClientLink} through TLS: a client-mode {@code SSLEngine} from Spindle's
 * {@link TlsClientContext} (so the server's certificate and host name are checked as Spindle's own
 * client checks them) over one blocking socket, handshaken when made. The ciphertext buffers are
 * heap buffers made once (the engine allocates less on heap buffers; the socket copies them through
 * NIO's cached per-thread direct buffer), so that once warm this side allocates only what the
 * engine's {@code wrap} and {@code unwrap} do.
 */
final class TlsClientLink implements ClientLink {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final SSLEngine engine;
    /** Ciphertext to send, in read mode between writes. */
    private final ByteBuffer netOut;
    /** Ciphertext received and not unwrapped yet, in fill mode. */
    private final ByteBuffer netIn;

    TlsClientLink(InetSocketAddress server, TlsClientContext context, String host) throws IOException {
        channel = SocketChannel.open(server);
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            engine = context.newEngine(host, server.getPort());
            int packet = engine.getSession().getPacketBufferSize();
            // wrap wants a whole packet's room even for a small record; a read may bring several.
            netOut = ByteBuffer.allocate(packet);
            netIn = ByteBuffer.allocate(4 * packet);
            handshake(ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** {@return the negotiated session: protocol and cipher suite} */
    SSLSession session() {
        return engine.getSession();
    }

    @Override
    public void write(ByteBuffer plaintext) throws IOException {
        while (plaintext.hasRemaining()) {
            netOut.clear();
            expectOk(engine.wrap(plaintext, netOut), "wrap");
            flush();
        }
    }

    @Override
    public int read(ByteBuffer plaintext) throws IOException {
        while (true) {
            netIn.flip();
            SSLEngineResult result = engine.unwrap(netIn, plaintext);
            netIn.compact();
            switch (result.getStatus()) {
                case OK -> {
                    runTasks();
                    if (result.bytesProduced() > 0) {
                        return result.bytesProduced();
                    }
                    // A post-handshake message (TLS 1.3's NewSessionTicket): nothing for the caller.
                }
                case BUFFER_UNDERFLOW -> {
                    if (!netIn.hasRemaining()) {
                        throw new SSLException("a record larger than " + netIn.capacity() + " bytes");
                    }
                    if (channel.read(netIn) < 0) {
                        return -1;
                    }
                }
                case BUFFER_OVERFLOW -> throw new SSLException("no room for a record's plaintext: "
                        + plaintext.remaining() + " bytes left");
                case CLOSED -> {
                    return -1;
                }
            }
        }
    }

    private void handshake(ByteBuffer application) throws IOException {
        engine.beginHandshake();
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> {
                    netOut.clear();
                    expectOk(engine.wrap(EMPTY, netOut), "handshake wrap");
                    flush();
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    netIn.flip();
                    SSLEngineResult result = engine.unwrap(netIn, application);
                    netIn.compact();
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        if (channel.read(netIn) < 0) {
                            throw new EOFException("the server closed during the handshake");
                        }
                    } else {
                        expectOk(result, "handshake unwrap");
                    }
                }
                case NOT_HANDSHAKING, FINISHED -> {
                    return;
                }
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private void flush() throws IOException {
        netOut.flip();
        while (netOut.hasRemaining()) {
            channel.write(netOut);
        }
    }

    private static void expectOk(SSLEngineResult result, String call) throws SSLException {
        if (result.getStatus() != SSLEngineResult.Status.OK) {
            throw new SSLException(call + ": " + result);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
