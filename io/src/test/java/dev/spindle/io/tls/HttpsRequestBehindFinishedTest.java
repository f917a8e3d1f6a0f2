package dev.spindle.io.tls;

import dev.spindle.actors.Behavior;
import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import dev.spindle.io.http.HttpRequest;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression (fixed in io: only what the engine takes during the handshake counts): the handshake
 * byte cap ({@code maxHandshakeBytes}, 64 KiB) counted application data. TLS 1.3 lets a client send its
 * request right behind its Finished; a client that does so with a 100 KB body, in one write (here
 * a client {@code SSLEngine} over a plain socket, its Finished and the request's records sent
 * together), has the server read its Finished and 64 KiB of request in one read while the handshake
 * is not yet over, and was closed as "oversized" ({@code TlsStats.oversized}) instead of answered.
 * The JDK's own TLS socket does this too when the server is a little slow (seen in 3 of 40 uploads
 * of 900,000 bytes once records were no longer lost).
 */
class HttpsRequestBehindFinishedTest {

    @TempDir
    Path dir;

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create(IoConfig.defaults().withLoops(1));
    private final TestPki.Issued ca = TestPki.ca("Test CA");
    private final TestPki.Issued serverCert = TestPki.leaf(ca, "a.test", TestPki.ec(), "a.test");

    @AfterEach
    void close() {
        io.close();
        kit.close();
    }

    @Test
    void shouldAnswerARequestSentRightBehindTheClientsFinished() throws Exception {
        Behavior<HttpRequest> app = (ctx, request) -> {
            request.respond(200, "text/plain", "got " + request.bodyLength());
            return Behavior.same();
        };
        HttpServer server = HttpServer.listen(io, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                HttpServerOptions.defaults().withTls(TlsServerContext.create(TlsServerOptions.of(
                        TestPki.files(dir, "server", serverCert.key(), serverCert.certificate(), ca.certificate())))),
                Router.builder().post("/upload", kit.spawn(app)).build());
        byte[] body = new byte[100_000];
        Arrays.fill(body, (byte) 'x');
        byte[] head = ("POST /upload HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\nContent-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.localAddress().getPort())) {
            socket.setSoTimeout(10_000);
            SSLEngine engine = clientContext().createSSLEngine("a.test", server.localAddress().getPort());
            engine.setUseClientMode(true);
            ByteArrayOutputStream pending = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(1 << 17).flip();
            ByteBuffer plaintext = ByteBuffer.allocate(1 << 17);
            handshake(engine, socket, pending, in, plaintext);
            // The handshake is over for the client: its Finished waits in 'pending', and the request goes with it.
            for (ByteBuffer plain : new ByteBuffer[] {ByteBuffer.wrap(head), ByteBuffer.wrap(body)}) {
                while (plain.hasRemaining()) {
                    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
                    engine.wrap(plain, out);
                    pending.write(out.array(), 0, out.position());
                }
            }
            socket.getOutputStream().write(pending.toByteArray()); // Finished and 100 KB of request, one write
            String answer = answer(engine, socket, in, plaintext);
            assertThat(answer).as("the server's answer; %s", server.tlsStats()).startsWith("HTTP/1.1 200 ").endsWith("got 100000");
        }
        assertThat(server.tlsStats().oversized()).isZero();
    }

    /** Runs the client's side of the handshake, sending what it wraps only when it must wait for the server. */
    private static void handshake(SSLEngine engine, Socket socket, ByteArrayOutputStream pending, ByteBuffer in,
            ByteBuffer app) throws IOException {
        engine.beginHandshake();
        while (true) {
            HandshakeStatus status = engine.getHandshakeStatus();
            switch (status) {
                case NEED_WRAP -> {
                    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
                    engine.wrap(ByteBuffer.allocate(0), out);
                    pending.write(out.array(), 0, out.position());
                }
                case NEED_TASK -> {
                    for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                        task.run();
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    SSLEngineResult result = engine.unwrap(in, app.clear());
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        if (pending.size() > 0) {
                            socket.getOutputStream().write(pending.toByteArray());
                            pending.reset();
                        }
                        fill(socket, in);
                    }
                }
                default -> {
                    return; // FINISHED or NOT_HANDSHAKING
                }
            }
        }
    }

    /** {@return the plaintext the server sends until it closes} */
    private static String answer(SSLEngine engine, Socket socket, ByteBuffer in, ByteBuffer app) throws IOException {
        StringBuilder text = new StringBuilder();
        while (!engine.isInboundDone()) {
            SSLEngineResult result = engine.unwrap(in, app.clear());
            app.flip();
            text.append(StandardCharsets.ISO_8859_1.decode(app));
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                if (!fill(socket, in)) {
                    break;
                }
            }
        }
        return text.toString();
    }

    /** Reads more of the socket into {@code in} (read mode before and after); {@return false at its end} */
    private static boolean fill(Socket socket, ByteBuffer in) throws IOException {
        in.compact();
        InputStream stream = socket.getInputStream();
        int n;
        try {
            n = stream.read(in.array(), in.position(), in.remaining());
        } catch (java.net.SocketException reset) {
            n = -1;
        }
        if (n > 0) {
            in.position(in.position() + n);
        }
        in.flip();
        return n > 0;
    }

    private SSLContext clientContext() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
