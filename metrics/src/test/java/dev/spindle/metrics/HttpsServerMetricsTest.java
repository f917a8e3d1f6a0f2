package dev.spindle.metrics;

import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.io.Io;
import dev.spindle.io.http.HttpRequest;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;
import dev.spindle.io.tls.TlsServerContext;
import dev.spindle.io.tls.TlsServerOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** An HTTPS server's TLS meters: handshakes, failures by kind, refusals by kind; a plaintext server has none. */
class HttpsServerMetricsTest {

    @TempDir
    Path dir;

    @Test
    void shouldCountHandshakesAndRefusalsOfAnHttpsServerOnly() throws Exception {
        makeCertificate();
        try (ActorSystem system = ActorSystem.create("https-metrics"); Io io = Io.create()) {
            var hello = system.spawn((Behavior<HttpRequest>) (ctx, request) -> {
                request.respond(200, "text/plain", "hello");
                return Behavior.same();
            }, "hello");
            Router router = Router.builder().get("/hello", hello).build();
            TlsServerContext tls = TlsServerContext.create(TlsServerOptions.pem(dir.resolve("cert.pem"), dir.resolve("key.pem")));
            HttpServer https = HttpServer.listen(io, new InetSocketAddress("127.0.0.1", 0),
                    HttpServerOptions.defaults().withTls(tls), router);
            HttpServer plain = HttpServer.listen(io, new InetSocketAddress("127.0.0.1", 0), HttpServerOptions.defaults(), router);
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            SpindleMetrics.bind(registry, https, "secure");
            SpindleMetrics.bind(registry, plain, "plain");

            try (Socket secure = trusting(dir.resolve("cert.pem")).getSocketFactory()
                    .createSocket("127.0.0.1", https.localAddress().getPort())) {
                secure.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(secure.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).endsWith("hello");
            }
            try (Socket plaintext = new Socket("127.0.0.1", https.localAddress().getPort())) {
                plaintext.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                try (InputStream in = plaintext.getInputStream()) {
                    assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 400");
                }
            }
            Eventually.await("the plaintext client counted", () -> registry.get("spindle.tls.refused")
                    .tags("server", "secure", "kind", "plaintext").functionCounter().count() == 1);
            assertThat(registry.get("spindle.tls.handshakes").tags("server", "secure").functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("spindle.tls.handshakes.failed").tags("server", "secure", "kind", "other")
                    .functionCounter().count()).isEqualTo(1);
            assertThat(registry.find("spindle.tls.handshakes").tags("server", "plain").functionCounters())
                    .as("a plaintext server has no TLS meters").isEmpty();
            assertThat(registry.scrape()).contains("spindle_tls_refused_total{kind=\"plaintext\",server=\"secure\"} 1.0");
        }
    }

    /** The README's development certificate, made by openssl (scripts/need installs it). */
    private void makeCertificate() throws Exception {
        run(List.of(Path.of("..", "scripts", "need").toAbsolutePath().normalize().toString(), "HttpsServerMetricsTest", "openssl"));
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "key.pem", "-out", "cert.pem", "-days", "30", "-subj", "/CN=localhost", "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1"));
    }

    private void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
