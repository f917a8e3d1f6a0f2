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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP server over TLS on real sockets, with the clients users have: curl, {@code openssl
 * s_client}, the JDK's TLS socket (keep-alive, pipelining, mutual TLS), and a plaintext client that
 * called the wrong scheme.
 */
class HttpsServerTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @TempDir
    Path dir;

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create(IoConfig.defaults().withLoops(2));
    private final TestPki.Issued ca = TestPki.ca("Test CA");
    private final TestPki.Issued serverCert = TestPki.leaf(ca, "a.test", TestPki.ec(), "a.test");

    @AfterEach
    void close() {
        io.close();
        kit.close();
    }

    /** {@code /hello} answers; {@code /tls} says what the connection's handshake agreed; {@code /echo} echoes. */
    private static Behavior<HttpRequest> app() {
        return (ctx, request) -> {
            switch (request.path()) {
                case "/hello" -> request.respond(200, "text/plain", "Hello, TLS!");
                case "/echo" -> request.respond(200, "application/octet-stream", request.body());
                case "/tls" -> {
                    TlsInfo tls = request.tls();
                    X509Certificate peer = tls == null ? null : tls.peerCertificate();
                    request.respond(200, "text/plain", tls == null ? "plaintext"
                            : tls.protocol() + " " + tls.applicationProtocol() + " " + tls.serverName() + " "
                            + (peer == null ? "-" : peer.getSubjectX500Principal().getName()));
                }
                default -> request.respond(404);
            }
            return Behavior.same();
        };
    }

    private HttpServer start(TlsServerOptions tls) throws IOException {
        var app = kit.spawn(app());
        Router router = Router.builder().get("/hello", app).get("/tls", app).post("/echo", app).build();
        return HttpServer.listen(io, ANY_PORT, HttpServerOptions.defaults().withTls(TlsServerContext.create(tls)), router);
    }

    private TlsServerOptions serverOptions() {
        return TlsServerOptions.of(TestPki.files(dir, "server", serverCert.key(), serverCert.certificate(), ca.certificate()));
    }

    private Path caFile() {
        return TestPki.write(dir, "ca.pem", TestPki.pem(ca.certificate()));
    }

    @Test
    void shouldServeCurlOverHttpsWithTheCaItIsGiven() throws Exception {
        Command.need("curl");
        HttpServer server = start(serverOptions());
        int port = server.localAddress().getPort();
        Command.Result get = Command.output(List.of("curl", "-sS", "--cacert", caFile().toString(), "--resolve",
                "a.test:" + port + ":127.0.0.1", "-w", "\n%{http_code} %{http_version}", "https://a.test:" + port + "/hello"),
                dir, "");
        assertThat(get.exit()).as(get.output()).isZero();
        assertThat(get.output()).isEqualTo("Hello, TLS!\n200 1.1");

        Command.Result tls = Command.output(List.of("curl", "-sS", "--cacert", caFile().toString(), "--resolve",
                "a.test:" + port + ":127.0.0.1", "https://a.test:" + port + "/tls", "https://a.test:" + port + "/tls"), dir, "");
        assertThat(tls.output()).as("two requests on one connection, ALPN and SNI seen by the route")
                .isEqualTo("TLSv1.3 http/1.1 a.test -".repeat(2));

        Command.Result post = Command.output(List.of("curl", "-sS", "--cacert", caFile().toString(), "--resolve",
                "a.test:" + port + ":127.0.0.1", "--data-binary", "@-", "https://a.test:" + port + "/echo"), dir,
                "x".repeat(100_000));
        assertThat(post.output()).isEqualTo("x".repeat(100_000));
        assertThat(server.tlsStats().handshakes()).isEqualTo(3);
    }

    @Test
    void shouldRefuseCurlWithoutTheCa() throws Exception {
        Command.need("curl");
        HttpServer server = start(serverOptions());
        int port = server.localAddress().getPort();
        Command.Result refused = Command.output(List.of("curl", "-sS", "--resolve", "a.test:" + port + ":127.0.0.1",
                "https://a.test:" + port + "/hello"), dir, "");
        assertThat(refused.exit()).as(refused.output()).isEqualTo(60); // curl: peer certificate cannot be authenticated
        awaitFailed(server, 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void shouldSpeakEachTlsVersionWithAlpnAndSniToOpensslSClient(String version) throws Exception {
        new OpenSsl(dir);
        HttpServer server = start(serverOptions());
        int port = server.localAddress().getPort();
        Command.Result result = Command.output(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "a.test", "-CAfile", caFile().toString(), "-verify_return_error", version, "-alpn",
                "http/1.1", "-ign_eof"), dir, "GET /tls HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
        assertThat(result.exit()).as(result.output()).isZero();
        String protocol = version.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2";
        assertThat(result.output()).contains("ALPN protocol: http/1.1").contains("Verify return code: 0 (ok)")
                .contains(protocol + " http/1.1 a.test -");
    }

    @Test
    void shouldRefuseTlsBelow12() throws Exception {
        new OpenSsl(dir);
        HttpServer server = start(serverOptions());
        int port = server.localAddress().getPort();
        Command.Result result = Command.output(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "a.test", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"), dir, "");
        assertThat(result.exit()).as(result.output()).isNotZero();
        awaitFailed(server, 1);
    }

    @Test
    void shouldAnswerAPlaintextClientInTheClearAndServeTheNext() throws Exception {
        HttpServer server = start(serverOptions());
        try (Socket plain = new Socket(server.localAddress().getAddress(), server.localAddress().getPort())) {
            plain.setSoTimeout(10_000);
            plain.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: a.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(plain.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 400 ").endsWith("This port speaks HTTPS: use https:// URLs\n");
        }
        assertThat(server.tlsStats().plaintextRefused()).isEqualTo(1);
        try (SSLSocket socket = jdkClient(server, null)) {
            assertThat(get(socket, "/hello", true)).endsWith("Hello, TLS!");
        }
    }

    @Test
    void shouldKeepAliveAndPipelineOverOneTlsConnection() throws Exception {
        HttpServer server = start(serverOptions());
        try (SSLSocket socket = jdkClient(server, null)) {
            String pipelined = "GET /hello HTTP/1.1\r\nHost: a.test\r\n\r\n".repeat(20);
            socket.getOutputStream().write(pipelined.getBytes(StandardCharsets.US_ASCII));
            String all = readUntilCount(socket, "Hello, TLS!", 20);
            assertThat(all.split("HTTP/1.1 200 ", -1)).hasSize(21);
            assertThat(get(socket, "/tls", true)).endsWith("TLSv1.3 http/1.1 a.test -");
        }
        assertThat(server.tlsStats().handshakes()).isEqualTo(1);
    }

    @Test
    void shouldShowTheClientCertificateToTheRouteUnderMutualTls() throws Exception {
        TestPki.Issued clientCert = TestPki.leaf(ca, "client one", TestPki.ec(), "client.test");
        HttpServer server = start(serverOptions().withClientAuth(ClientAuth.REQUIRED, TrustSource.pem(caFile())));
        try (SSLSocket socket = jdkClient(server, clientCert)) {
            assertThat(get(socket, "/tls", true)).endsWith("a.test CN=client one");
        }
        try (SSLSocket anonymous = jdkClient(server, null)) {
            get(anonymous, "/tls", true);
            throw new AssertionError("a client without a certificate was served");
        } catch (IOException refused) {
            // the handshake (TLS 1.3: the first read) fails without a client certificate
        }
        awaitFailed(server, 1);
        assertThat(server.tlsStats().failures()).containsKey(TlsFailure.NO_CLIENT_CERTIFICATE);
    }

    @Test
    void shouldPresentTheCertificateOfTheNameTheClientAsksFor() throws Exception {
        new OpenSsl(dir);
        TestPki.Issued other = TestPki.leaf(ca, "b.test", TestPki.ec(), "b.test");
        HttpServer server = start(serverOptions().withHostKey("b.test", TestPki.files(dir, "b", other.key(), other.certificate())));
        int port = server.localAddress().getPort();
        for (String name : List.of("a.test", "b.test")) {
            Command.Result result = Command.output(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                    "-servername", name, "-CAfile", caFile().toString(), "-verify_return_error", "-verify_hostname", name,
                    "-alpn", "http/1.1", "-ign_eof"), dir, "GET /tls HTTP/1.1\r\nHost: " + name + "\r\nConnection: close\r\n\r\n");
            assertThat(result.exit()).as(result.output()).isZero();
            assertThat(result.output()).containsPattern("subject=CN ?= ?" + java.util.regex.Pattern.quote(name))
                    .contains("TLSv1.3 http/1.1 " + name + " -");
        }
    }

    @Test
    void shouldGiveNewConnectionsTheReloadedCertificateAndKeepTheOpenOnes() throws Exception {
        KeySource.PemFiles files = TestPki.files(dir, "server", serverCert.key(), serverCert.certificate(), ca.certificate());
        TlsServerContext context = TlsServerContext.create(TlsServerOptions.of(files));
        var app = kit.spawn(app());
        HttpServer server = HttpServer.listen(io, ANY_PORT, HttpServerOptions.defaults().withTls(context),
                Router.builder().get("/hello", app).get("/tls", app).build());
        try (SSLSocket before = jdkClient(server, null)) {
            X509Certificate first = (X509Certificate) before.getSession().getPeerCertificates()[0];
            TestPki.Issued renewed = TestPki.leaf(ca, "a.test", TestPki.ec(), "a.test");
            TestPki.files(dir, "server", renewed.key(), renewed.certificate(), ca.certificate()); // the same paths, new files
            assertThat(context.reload()).isInstanceOf(ReloadOutcome.Reloaded.class);
            try (SSLSocket after = jdkClient(server, null)) {
                X509Certificate second = (X509Certificate) after.getSession().getPeerCertificates()[0];
                assertThat(second).isEqualTo(renewed.certificate()).isNotEqualTo(first);
                assertThat(get(after, "/hello", true)).endsWith("Hello, TLS!");
            }
            assertThat(get(before, "/hello", true)).as("the connection made before the reload goes on").endsWith("Hello, TLS!");
        }
    }

    @Test
    void shouldAnswerATls13KeyUpdateAndGoOn() throws Exception {
        new OpenSsl(dir);
        HttpServer server = start(serverOptions());
        int port = server.localAddress().getPort();
        // s_client's command letters work only while its input is open (not with -ign_eof): it
        // sends a KeyUpdate asking for ours on a line "K", then the request; its input closes
        // once the answer is read.
        Process client = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", "a.test",
                "-CAfile", caFile().toString(), "-tls1_3", "-alpn", "http/1.1", "-crlf").directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            StringBuilder output = new StringBuilder();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    byte[] buffer = new byte[4096];
                    for (int n; (n = client.getInputStream().read(buffer)) > 0; ) {
                        synchronized (output) {
                            output.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                            output.notifyAll();
                        }
                    }
                } catch (IOException ended) {
                    // the process ended
                }
            });
            awaitOutput(output, "Verify return code");
            client.getOutputStream().write("K\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            awaitOutput(output, "KEYUPDATE");
            client.getOutputStream().write("GET /tls HTTP/1.1\nHost: a.test\n\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            awaitOutput(output, "TLSv1.3 http/1.1 a.test -");
            client.getOutputStream().close();
            assertThat(client.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            reader.join(java.time.Duration.ofSeconds(10));
        } finally {
            client.destroyForcibly();
        }
    }

    private static void awaitOutput(StringBuilder output, String text) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        synchronized (output) {
            while (output.indexOf(text) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no '" + text + "' within 10 s; output:\n" + output);
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(output, left);
            }
        }
    }

    @Test
    void shouldServeNodesHttpsClient() throws Exception {
        HttpServer server = start(serverOptions());
        Path script = dir.resolve("client.js");
        java.nio.file.Files.writeString(script, """
                const https = require('https');
                const fs = require('fs');
                const req = https.get({host: '127.0.0.1', servername: 'a.test', port: process.argv[2], path: '/tls', ALPNProtocols: ['http/1.1'],
                    ca: fs.readFileSync(process.argv[3]), checkServerIdentity: (host, cert) => require('tls').checkServerIdentity('a.test', cert)},
                  res => { let body = ''; res.on('data', d => body += d); res.on('end', () => { console.log(res.statusCode + ' ' + body); }); });
                req.on('error', e => { console.log('error ' + e.message); process.exitCode = 1; });
                """);
        Command.Result result = Command.output(List.of("node", script.toString(), Integer.toString(server.localAddress().getPort()),
                caFile().toString()), dir, "");
        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output().trim()).isEqualTo("200 TLSv1.3 http/1.1 a.test -");
    }

    // ---- helpers

    private void awaitFailed(HttpServer server, long count) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (server.tlsStats().failed() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("failed handshakes: " + server.tlsStats());
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    private static String get(SSLSocket socket, String path, boolean close) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: a.test\r\n" + (close ? "Connection: close\r\n" : "")
                + "\r\n").getBytes(StandardCharsets.US_ASCII));
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }

    private static String readUntilCount(SSLSocket socket, String marker, int count) throws IOException {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[8192];
        while (text.toString().split(java.util.regex.Pattern.quote(marker), -1).length <= count) {
            int n = socket.getInputStream().read(buffer);
            if (n < 0) {
                break;
            }
            text.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
        }
        return text.toString();
    }

    private SSLSocket jdkClient(HttpServer server, TestPki.Issued clientCert) throws Exception {
        return JdkTlsClient.connect(ca.certificate(), server.localAddress().getPort(), null, clientCert);
    }
}
