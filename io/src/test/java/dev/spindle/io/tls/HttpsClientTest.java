package dev.spindle.io.tls;

import dev.spindle.actors.Behavior;
import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.actors.testkit.TestProbe;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import dev.spindle.io.http.ClientRequest;
import dev.spindle.io.http.HttpClient;
import dev.spindle.io.http.HttpClientEvent;
import dev.spindle.io.http.HttpClientOptions;
import dev.spindle.io.http.HttpRequest;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP client calling {@code https://} URLs: a Spindle server, Node's {@code https}, and servers it must refuse. */
class HttpsClientTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @TempDir
    Path dir;

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create(IoConfig.defaults().withLoops(2));
    private final TestPki.Issued ca = TestPki.ca("Test CA");
    private final TestPki.Issued serverCert = TestPki.leaf(ca, "localhost", TestPki.ec(), "localhost");
    private Process node;

    @AfterEach
    void close() throws InterruptedException {
        try {
            io.close();
            kit.close();
        } finally {
            if (node != null) {
                node.destroyForcibly();
                node.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private HttpServer spindleServer() throws Exception {
        var app = kit.spawn((Behavior<HttpRequest>) (ctx, request) -> {
            if (request.path().equals("/echo")) {
                request.respond(200, "application/octet-stream", request.body());
            } else {
                request.respond(200, "text/plain", "hello " + request.tls().protocol());
            }
            return Behavior.same();
        });
        TlsServerContext tls = TlsServerContext.create(TlsServerOptions.of(
                TestPki.files(dir, "server", serverCert.key(), serverCert.certificate(), ca.certificate())));
        return HttpServer.listen(io, ANY_PORT, HttpServerOptions.defaults().withTls(tls),
                Router.builder().get("/hello", app).post("/echo", app).build());
    }

    private HttpClient trustingClient() {
        TlsClientContext tls = TlsClientContext.create(TlsClientOptions.defaults()
                .withTrust(TrustSource.pem(TestPki.write(dir, "ca.pem", TestPki.pem(ca.certificate())))));
        return HttpClient.create(io, HttpClientOptions.defaults().withTls(tls));
    }

    @Test
    void shouldCallASpindleHttpsServerOnOneKeptAliveConnection() throws Exception {
        HttpServer server = spindleServer();
        HttpClient client = trustingClient();
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        String base = "https://localhost:" + server.localAddress().getPort();
        client.send(ClientRequest.get(base + "/hello"), probe.ref());
        assertThat(probe.expectMessageClass(HttpClientEvent.Response.class).bodyAsString()).isEqualTo("hello TLSv1.3");
        byte[] big = new byte[200_000];
        Arrays.fill(big, (byte) 'b');
        client.send(ClientRequest.post(base + "/echo", big), probe.ref());
        assertThat(probe.expectMessageClass(HttpClientEvent.Response.class).body()).isEqualTo(big);
        assertThat(server.tlsStats().handshakes()).as("one connection, kept alive").isEqualTo(1);
        assertThat(client.tlsStats().handshakes()).isEqualTo(1);
    }

    @Test
    void shouldCallNodesHttpsServer() throws Exception {
        Path key = TestPki.write(dir, "key.pem", TestPki.pem(serverCert.key()));
        Path cert = TestPki.write(dir, "cert.pem", TestPki.pem(serverCert.certificate(), ca.certificate()));
        Path script = dir.resolve("server.js");
        Files.writeString(script, """
                const https = require('https');
                const fs = require('fs');
                const server = https.createServer({key: fs.readFileSync(process.argv[2]), cert: fs.readFileSync(process.argv[3])},
                  (req, res) => { res.setHeader('Content-Type', 'text/plain'); res.end('node says ' + req.socket.getProtocol()); });
                server.listen(0, '127.0.0.1', () => console.log(server.address().port));
                """);
        node = new ProcessBuilder("node", script.toString(), key.toString(), cert.toString())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        String port = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, task -> Thread.ofVirtual().start(task)).get(20, TimeUnit.SECONDS);
        assertThat(port).as("node printed its port (stderr in %s)", dir).matches("\\d+");

        TestProbe<HttpClientEvent> probe = kit.createProbe();
        trustingClient().send(ClientRequest.get("https://localhost:" + port + "/"), probe.ref());
        assertThat(probe.expectMessageClass(HttpClientEvent.Response.class).bodyAsString()).isEqualTo("node says TLSv1.3");
    }

    @Test
    void shouldRefuseAServerTheJdksCasDoNotTrust() throws Exception {
        HttpServer server = spindleServer();
        HttpClient client = HttpClient.create(io, HttpClientOptions.defaults());
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        client.send(ClientRequest.get("https://localhost:" + server.localAddress().getPort() + "/hello"), probe.ref());
        HttpClientEvent.Failed failed = probe.expectMessageClass(HttpClientEvent.Failed.class);
        assertThat(failed.failure()).isEqualTo(HttpClientEvent.Failure.TLS_FAILED);
        assertThat(TlsFailure.of(failed.cause())).isEqualTo(TlsFailure.CERTIFICATE_UNTRUSTED);
    }

    @Test
    void shouldRefuseACertificateForAnotherHost() throws Exception {
        HttpServer server = spindleServer();
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        trustingClient().send(ClientRequest.get("https://127.0.0.1:" + server.localAddress().getPort() + "/hello"), probe.ref());
        HttpClientEvent.Failed failed = probe.expectMessageClass(HttpClientEvent.Failed.class);
        assertThat(failed.failure()).isEqualTo(HttpClientEvent.Failure.TLS_FAILED);
        assertThat(TlsFailure.of(failed.cause())).isEqualTo(TlsFailure.HOST_NAME_MISMATCH);
    }

    @Test
    void shouldFailABodyEndedByACloseWithoutCloseNotify() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", serverCert.key(), "pw".toCharArray(), new X509Certificate[] {serverCert.certificate()});
        var keyFactory = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        keyFactory.init(keys, "pw".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyFactory.getKeyManagers(), null, null);
        try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofVirtual().start(() -> {
                try (Socket raw = plain.accept()) {
                    SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(raw, null, raw.getPort(), false);
                    tls.setUseClientMode(false);
                    tls.startHandshake();
                    tls.getInputStream().read(new byte[4096]);
                    // A body delimited by the close, cut by a close of the TCP socket, without close_notify.
                    tls.getOutputStream().write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npart of a bo".getBytes(StandardCharsets.US_ASCII));
                    tls.getOutputStream().flush();
                } catch (Exception e) {
                    // the test's assertion tells
                }
            });
            TestProbe<HttpClientEvent> probe = kit.createProbe();
            trustingClient().send(ClientRequest.get("https://localhost:" + plain.getLocalPort() + "/"), probe.ref());
            HttpClientEvent.Failed failed = probe.expectMessageClass(HttpClientEvent.Failed.class);
            assertThat(failed.failure()).isEqualTo(HttpClientEvent.Failure.CLOSED_EARLY);
            assertThat(failed.cause()).hasMessageContaining("close_notify");
            server.join(10_000);
        }
    }
}
