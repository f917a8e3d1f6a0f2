package dev.spindle.io.http;

import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.actors.testkit.TestProbe;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP client against a real peer: Node.js's http server, started and stopped by the test. */
class HttpClientNodeTest {

    private static final String SERVER = """
            const http = require('http');
            const server = http.createServer((req, res) => {
              const chunks = [];
              req.on('data', c => chunks.push(c));
              req.on('end', () => {
                const body = Buffer.concat(chunks);
                if (req.url === '/chunked') {
                  res.write('part one, ');
                  setTimeout(() => res.end('part two'), 20);
                } else if (req.url === '/echo') {
                  res.setHeader('X-Request-Transfer-Encoding', req.headers['transfer-encoding'] || 'none');
                  res.end(body);
                } else if (req.url === '/empty') {
                  res.statusCode = 204;
                  res.end();
                } else {
                  res.setHeader('Content-Type', 'text/plain');
                  res.end('port ' + req.socket.remotePort);
                }
              });
            });
            server.keepAliveTimeout = 30000;
            server.listen(0, '127.0.0.1', () => console.log(server.address().port));
            """;

    @TempDir
    Path dir;

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create(IoConfig.defaults().withLoops(2));
    private Process node;
    private String base;

    @BeforeEach
    void startNode() throws Exception {
        Path script = dir.resolve("server.js");
        Files.writeString(script, SERVER);
        node = new ProcessBuilder("node", script.toString()).redirectError(dir.resolve("stderr.txt").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> port = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, task -> Thread.ofVirtual().start(task));
        String line = port.get(20, TimeUnit.SECONDS);
        assertThat(line).as("node printed its port (stderr in %s)", dir).matches("\\d+");
        base = "http://127.0.0.1:" + line;
    }

    @AfterEach
    void stop() throws Exception {
        // Runs even when the test (or startNode) failed: no node process outlives the test.
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

    @Test
    void shouldTalkToNodeWithKeepAliveChunkedBodiesAndHead() {
        HttpClient client = HttpClient.create(io, HttpClientOptions.defaults());
        TestProbe<HttpClientEvent> probe = kit.createProbe();

        client.send(ClientRequest.get(base + "/who"), probe.ref());
        HttpClientEvent.Response first = probe.expectMessageClass(HttpClientEvent.Response.class);
        client.send(ClientRequest.get(base + "/who"), probe.ref());
        HttpClientEvent.Response second = probe.expectMessageClass(HttpClientEvent.Response.class);
        assertThat(first.bodyAsString()).startsWith("port ");
        assertThat(second.bodyAsString()).as("the same client port: the connection was reused").isEqualTo(first.bodyAsString());

        client.send(ClientRequest.get(base + "/chunked"), probe.ref());
        HttpClientEvent.Response chunked = probe.expectMessageClass(HttpClientEvent.Response.class);
        assertThat(chunked.headers().first("transfer-encoding")).isEqualTo("chunked");
        assertThat(chunked.bodyAsString()).isEqualTo("part one, part two");

        client.send(ClientRequest.of(HttpMethod.POST, java.net.URI.create(base + "/echo"))
                .withChunkedBody(List.of(HttpClientTest.bytes("streamed "), HttpClientTest.bytes("upload"))), probe.ref());
        HttpClientEvent.Response echo = probe.expectMessageClass(HttpClientEvent.Response.class);
        assertThat(echo.bodyAsString()).isEqualTo("streamed upload");
        assertThat(echo.headers().first("X-Request-Transfer-Encoding")).isEqualTo("chunked");

        client.send(ClientRequest.post(base + "/echo", HttpClientTest.bytes("after continue")).withExpectContinue(), probe.ref());
        assertThat(probe.expectMessageClass(HttpClientEvent.Response.class).bodyAsString()).isEqualTo("after continue");

        client.send(ClientRequest.head(base + "/who"), probe.ref());
        HttpClientEvent.Response head = probe.expectMessageClass(HttpClientEvent.Response.class);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();

        client.send(ClientRequest.get(base + "/empty"), probe.ref());
        assertThat(probe.expectMessageClass(HttpClientEvent.Response.class).status()).isEqualTo(204);

        client.send(ClientRequest.get(base + "/who"), probe.ref());
        assertThat(probe.expectMessageClass(HttpClientEvent.Response.class).bodyAsString())
                .as("still the first connection").isEqualTo(first.bodyAsString());
    }
}
