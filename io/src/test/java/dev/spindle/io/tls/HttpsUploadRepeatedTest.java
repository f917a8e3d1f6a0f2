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
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Random;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression (fixed in io; see TcpTlsEchoRepeatedTest for the cause it had in
 * {@code TlsCodec.process}): an HTTPS upload of 900,000 bytes, written by the
 * JDK's TLS socket in 16 KiB pieces, repeated on new connections. The route answers the CRC-32 and
 * length of the body it was given; a body that lost records mid-stream waits for bytes that never
 * come (its Content-Length is not reached) and the client's read times out. With that fixed, some
 * uploads were still closed mid-write, counted as an oversized handshake: see
 * HttpsRequestBehindFinishedTest. Stops at the first failure.
 */
class HttpsUploadRepeatedTest {

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

    @RepeatedTest(value = 10, failureThreshold = 1)
    void shouldGiveTheRouteEveryByteOfAnHttpsUpload() throws Exception {
        Behavior<HttpRequest> app = (ctx, request) -> {
            CRC32 crc = new CRC32();
            crc.update(request.body());
            request.respond(200, "text/plain", request.bodyLength() + " " + crc.getValue());
            return Behavior.same();
        };
        HttpServer server = HttpServer.listen(io, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                HttpServerOptions.defaults().withTls(TlsServerContext.create(TlsServerOptions.of(
                        TestPki.files(dir, "server", serverCert.key(), serverCert.certificate(), ca.certificate())))),
                Router.builder().post("/upload", kit.spawn(app)).build());
        byte[] body = new byte[900_000];
        new Random(18).nextBytes(body);
        CRC32 crc = new CRC32();
        crc.update(body);
        try (SSLSocket socket = client(server)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            for (int off = 0; off < body.length; off += 16_384) {
                try {
                    out.write(body, off, Math.min(16_384, body.length - off));
                } catch (java.io.IOException closed) {
                    throw new AssertionError("the server closed the upload after " + off + " bytes: " + server.stats() + " "
                            + server.tlsStats(), closed);
                }
            }
            out.flush();
            String answer;
            try {
                answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            } catch (java.net.SocketTimeoutException silence) {
                throw new AssertionError("no answer within 10 s to a complete upload of " + body.length
                        + " bytes, though the server read " + server.stats().bytesRead() + " bytes from the socket: the"
                        + " route never got the whole body; " + server.stats(), silence);
            }
            assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith(body.length + " " + crc.getValue());
        }
    }

    private SSLSocket client(HttpServer server) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(
                InetAddress.getByAddress("a.test", new byte[] {127, 0, 0, 1}), server.localAddress().getPort());
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }
}
