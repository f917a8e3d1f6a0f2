package dev.spindle.perf.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.perf.http.HttpComparison;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each HTTPS peer of {@link HttpsComparison} started as the harness starts it, on a free port with a
 * certificate made for the test: one real HTTPS request per route and one TLS echo, from JDK clients
 * that trust that certificate alone and check the name {@code localhost}; and the handshake load,
 * one second of it against Node, which counts its handshakes: none resumed. Nothing is timed.
 */
class HttpsPeersSmokeTest {

    private static PemCertificate certificate;
    private static SSLContext trusting;

    @BeforeAll
    static void certificate() throws Exception {
        certificate = PemCertificate.create();
        trusting = PemCertificate.trusting(certificate.certificate());
    }

    @AfterAll
    static void deleteCertificate() throws IOException {
        certificate.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"spindle", "vertx", "node"})
    void shouldAnswerHttpsAndEchoOverTlsWithTheGivenCertificate(String name) throws Exception {
        int port = freePortPair();
        try (ServerProcess _ = ServerProcess.start(name, HttpsContender.named(name).command(port, certificate),
                Duration.ofSeconds(30));
                HttpClient client = HttpClient.newBuilder().sslContext(trusting).version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10)).build()) {
            HttpResponse<String> plaintext = client.send(get(port, "/plaintext"), HttpResponse.BodyHandlers.ofString());
            assertThat(plaintext.statusCode()).isEqualTo(200);
            assertThat(plaintext.body()).isEqualTo("Hello, World!");
            assertThat(plaintext.sslSession()).get().extracting(s -> s.getProtocol()).isEqualTo("TLSv1.3");
            HttpResponse<String> json = client.send(get(port, "/json"), HttpResponse.BodyHandlers.ofString());
            assertThat(json.statusCode()).isEqualTo(200);
            assertThat(json.body()).isEqualTo("{\"message\":\"Hello, World!\"}");
            assertThat(HttpsComparison.negotiated(trusting, port)).startsWith("TLSv1.3 ").endsWith(" http/1.1");

            try (SSLSocket echo = TlsClients.connect(trusting, port + 1)) {
                byte[] message = new byte[HttpsComparison.ECHO_SIZE];
                Arrays.fill(message, (byte) 'e');
                message[0] = 's';
                OutputStream out = echo.getOutputStream();
                out.write(message);
                out.flush();
                InputStream in = echo.getInputStream();
                assertThat(in.readNBytes(message.length)).isEqualTo(message);
                assertThat(echo.getSession().getProtocol()).isEqualTo("TLSv1.3");
            }
        }
    }

    @Test
    void shouldMakeOnlyFullHandshakesUnderTheHandshakeLoad() throws Exception {
        int port = freePortPair();
        HttpsComparison.Scenario handshakes = HttpsComparison.SCENARIOS.stream()
                .filter(s -> s.load() == HttpsComparison.Load.HANDSHAKE).findFirst().orElseThrow();
        try (ServerProcess _ = ServerProcess.start("node", HttpsContender.named("node").command(port, certificate),
                Duration.ofSeconds(30))) {
            HttpComparison.Result result = HttpsComparison.parseLoad(HttpsComparison.load(handshakes, port, certificate, 1), 0);
            assertThat(result.requests()).isPositive();
            // handshakeCounts throws if Node saw any resumed session
            assertThat(HttpsComparison.handshakeCounts(trusting, port)).get().asString().endsWith(" 0 resumed");
        }
    }

    @Test
    void shouldRefuseContendersThatDoNotExist() {
        assertThatThrownBy(() -> HttpsContender.named("nginx")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spindle, vertx, node");
        assertThat(HttpsContender.named("spindle").command()).contains(SpindleHttpsServer.class.getName());
    }

    private static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("https://localhost:" + port + path)).timeout(Duration.ofSeconds(10)).build();
    }

    /** {@return a port that is free on 127.0.0.1, and so is the next one (the echo's), as far as can be told now} */
    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket first = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = first.getLocalPort();
                if (port < 65_535) {
                    try (ServerSocket _ = new ServerSocket(port + 1, 1, InetAddress.getLoopbackAddress())) {
                        return port;
                    } catch (IOException taken) {
                        // try another pair
                    }
                }
            }
        }
        throw new IOException("no two consecutive free ports on 127.0.0.1");
    }
}
