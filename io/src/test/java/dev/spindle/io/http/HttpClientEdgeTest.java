package dev.spindle.io.http;

import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.actors.testkit.TestProbe;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import dev.spindle.io.TcpOptions;
import dev.spindle.io.WriteQueueFullException;
import dev.spindle.io.http.HttpClientEvent.Failure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP client against scripted raw sockets: malformed and edge-case responses, each with its defined failure. */
class HttpClientEdgeTest {

    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create(IoConfig.defaults().withLoops(2));
    private final List<ScriptedServer> servers = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        io.close();
        kit.close();
        for (ScriptedServer server : servers) {
            server.close();
        }
    }

    /** What a scripted connection does with its socket. */
    interface Script {
        void run(InputStream in, OutputStream out) throws Exception;
    }

    /** Connection {@code i} runs {@code scripts[i]}; later ones run the last script. */
    private ScriptedServer serve(Script... scripts) throws IOException {
        ScriptedServer server = new ScriptedServer(scripts);
        servers.add(server);
        return server;
    }

    static final class ScriptedServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger accepted = new AtomicInteger();
        final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());

        ScriptedServer(Script... scripts) throws IOException {
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket connection = socket.accept();
                        connection.setSoTimeout(10_000);
                        open.add(connection);
                        Script script = scripts[Math.min(accepted.getAndIncrement(), scripts.length - 1)];
                        Thread.ofVirtual().start(() -> {
                            try (connection) {
                                script.run(connection.getInputStream(), connection.getOutputStream());
                            } catch (Exception e) {
                                failures.add(e);
                            }
                        });
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        String uri(String path) {
            return "http://127.0.0.1:" + socket.getLocalPort() + path;
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (open) {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    /** {@return the request head, read up to the empty line} */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    static void write(OutputStream out, String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads until the client closes; {@return how many bytes came} */
    static int drain(InputStream in) throws IOException {
        int count = 0;
        while (in.read() >= 0) {
            count++;
        }
        return count;
    }

    private HttpClient client(HttpClientOptions options) {
        return HttpClient.create(io, options);
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
            HTTP/1.1 2x0 OK\\r\\nContent-Length: 0\\r\\n\\r\\n                                      | MALFORMED_RESPONSE | malformed status line: status code
            HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nok     | MALFORMED_RESPONSE | both Content-Length and Transfer-Encoding
            HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nContent-Length: 3\\r\\n\\r\\nok               | MALFORMED_RESPONSE | conflicting Content-Length values
            HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n                     | MALFORMED_RESPONSE | chunk size is not hexadecimal
            HTTP/1.1 200 OK\\nContent-Length: 0\\r\\n\\r\\n                                         | MALFORMED_RESPONSE | bare LF in the response head
            HTTP/1.1 200 OK\\r\\nX: <600>\\r\\n\\r\\n                                              | LIMIT_EXCEEDED     | response head larger than 512 bytes
            HTTP/1.1 200 OK\\r\\nContent-Length: 10\\r\\n\\r\\nhalf<close>                         | CLOSED_EARLY       | closed the connection before the response was complete
            """)
    void shouldFailABadResponseAndServeTheNextOne(String escaped, Failure failure, String message) throws Exception {
        String raw = escaped.replace("\\r", "\r").replace("\\n", "\n").replace("<600>", "x".repeat(600));
        boolean close = raw.endsWith("<close>");
        String bad = raw.replace("<close>", "");
        ScriptedServer server = serve((in, out) -> {
            readHead(in);
            write(out, bad);
            if (!close) {
                drain(in);
            }
        }, (in, out) -> {
            readHead(in);
            write(out, OK);
            drain(in);
        });
        HttpClient client = client(HttpClientOptions.defaults().withMaxHeadSize(512));
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        client.send(ClientRequest.get(server.uri("/bad")), probe.ref());
        HttpClientEvent.Failed failed = probe.expectMessageClass(HttpClientEvent.Failed.class);
        assertThat(failed.failure()).isEqualTo(failure);
        assertThat(failed.cause()).hasMessageContaining(message);
        assertThat(failed.request().target()).isEqualTo("/bad");

        // The bad connection is gone; the next request gets a new one and its answer.
        client.send(ClientRequest.get(server.uri("/good")), probe.ref());
        assertThat(probe.expectMessageClass(HttpClientEvent.Response.class).bodyAsString()).isEqualTo("ok");
        assertThat(server.accepted.get()).isEqualTo(2);
        assertThat(server.failures).isEmpty();
    }

    @Test
    void shouldReadABodyDelimitedByTheClose() throws Exception {
        ScriptedServer server = serve((in, out) -> {
            readHead(in);
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it, until the end");
        });
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        client(HttpClientOptions.defaults()).send(ClientRequest.get(server.uri("/")), probe.ref());
        HttpClientEvent.Response response = probe.expectMessageClass(HttpClientEvent.Response.class);
        assertThat(response.bodyAsString()).isEqualTo("all of it, until the end");
    }

    @Test
    void shouldTimeOutAResponseThatNeverComes() throws Exception {
        ScriptedServer server = serve((in, out) -> {
            readHead(in);
            drain(in);
        });
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        HttpClient client = client(HttpClientOptions.defaults().withResponseTimeout(Duration.ofMillis(300)));
        client.send(ClientRequest.get(server.uri("/slow")), probe.ref());
        HttpClientEvent.Failed failed = probe.expectMessageClass(HttpClientEvent.Failed.class);
        assertThat(failed.failure()).isEqualTo(Failure.RESPONSE_TIMEOUT);
        assertThat(failed.cause()).isInstanceOf(java.net.SocketTimeoutException.class).hasMessageContaining("within 300 ms");
        HttpClientTest.awaitCondition(() -> client.openConnections() == 0, "the timed-out connection closed");
    }

    @Test
    void shouldReportARefusedConnection() throws Exception {
        int freePort;
        try (ServerSocket probeSocket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = probeSocket.getLocalPort();
        }
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        client(HttpClientOptions.defaults()).send(ClientRequest.get("http://127.0.0.1:" + freePort + "/"), probe.ref());
        HttpClientEvent.Failed failed = probe.expectMessageClass(HttpClientEvent.Failed.class);
        assertThat(failed.failure()).isEqualTo(Failure.CONNECT_FAILED);
        assertThat(failed.cause()).isInstanceOf(ConnectException.class);
    }

    @Test
    void shouldTimeOutAConnectThatGetsNoAnswer() throws Exception {
        // A listener that never accepts, its backlog full: the kernel drops further SYNs (as in TcpTest).
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 8; i++) {
                Socket filler = new Socket();
                try {
                    filler.connect(full.getLocalSocketAddress(), 200);
                    fillers.add(filler);
                } catch (IOException timedOut) {
                    filler.close();
                    break;
                }
            }
            TestProbe<HttpClientEvent> probe = kit.createProbe();
            HttpClient client = client(HttpClientOptions.defaults()
                    .withTcp(TcpOptions.defaults().withConnectTimeout(Duration.ofMillis(300))));
            client.send(ClientRequest.get("http://127.0.0.1:" + full.getLocalPort() + "/"), probe.ref());
            HttpClientEvent.Failed failed = probe.expectMessageClass(HttpClientEvent.Failed.class);
            assertThat(failed.failure()).isEqualTo(Failure.CONNECT_TIMEOUT);
            assertThat(failed.cause()).isInstanceOf(java.net.SocketTimeoutException.class)
                    .hasMessageContaining("timed out after 300 ms");
        } finally {
            for (Socket filler : fillers) {
                filler.close();
            }
        }
    }

    @Test
    void shouldRetryRequestsPipelinedBehindAConnectionClose() throws Exception {
        ScriptedServer server = serve((in, out) -> {
            readHead(in);
            readHead(in);
            write(out, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nfirst");
        }, (in, out) -> {
            readHead(in);
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond");
            drain(in);
        });
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        HttpClient client = client(HttpClientOptions.defaults().withMaxConnectionsPerHost(1).withMaxPipelined(2));
        client.send(ClientRequest.get(server.uri("/1")), probe.ref());
        client.send(ClientRequest.get(server.uri("/2")), probe.ref());
        assertThat(probe.expectMessageClass(HttpClientEvent.Response.class).bodyAsString()).isEqualTo("first");
        HttpClientEvent.Response second = probe.expectMessageClass(HttpClientEvent.Response.class);
        assertThat(second.request().target()).isEqualTo("/2");
        assertThat(second.bodyAsString()).isEqualTo("second");
        assertThat(server.accepted.get()).isEqualTo(2);
    }

    @Test
    void shouldNotSendTheBodyWhenAFinalStatusComesInsteadOf100() throws Exception {
        CompletableFuture<String> head = new CompletableFuture<>();
        CompletableFuture<Integer> after = new CompletableFuture<>();
        ScriptedServer server = serve((in, out) -> {
            head.complete(readHead(in));
            write(out, "HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n");
            after.complete(drain(in));
        });
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        HttpClient client = client(HttpClientOptions.defaults().withContinueTimeout(Duration.ofMinutes(5)));
        client.send(ClientRequest.post(server.uri("/upload"), new byte[1000]).withExpectContinue(), probe.ref());
        assertThat(probe.expectMessageClass(HttpClientEvent.Response.class).status()).isEqualTo(417);
        assertThat(head.get(10, TimeUnit.SECONDS)).contains("Expect: 100-continue").contains("Content-Length: 1000");
        // The client closes the connection after that response, without a byte of the body.
        assertThat(after.get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void shouldSendTheBodyAfterTheContinueTimeoutWithout100() throws Exception {
        CompletableFuture<String> body = new CompletableFuture<>();
        ScriptedServer server = serve((in, out) -> {
            readHead(in);
            body.complete(new String(in.readNBytes(4), StandardCharsets.US_ASCII));
            write(out, OK);
            drain(in);
        });
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        HttpClient client = client(HttpClientOptions.defaults().withContinueTimeout(Duration.ofMillis(200)));
        client.send(ClientRequest.post(server.uri("/upload"), HttpClientTest.bytes("data")).withExpectContinue(), probe.ref());
        assertThat(probe.expectMessageClass(HttpClientEvent.Response.class).bodyAsString()).isEqualTo("ok");
        assertThat(body.get(10, TimeUnit.SECONDS)).isEqualTo("data");
    }

    @Test
    void shouldRetryAnIdempotentRequestOnceWhenAReusedConnectionClosesUnderIt() throws Exception {
        ScriptedServer server = serve((in, out) -> {
            readHead(in);
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
            readHead(in);
            // Keep-alive timed out on the server just as the second request came: closed, unanswered.
        }, (in, out) -> {
            readHead(in);
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond");
            drain(in);
        });
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        HttpClient client = client(HttpClientOptions.defaults());
        client.send(ClientRequest.get(server.uri("/1")), probe.ref());
        assertThat(probe.expectMessageClass(HttpClientEvent.Response.class).bodyAsString()).isEqualTo("first");
        client.send(ClientRequest.get(server.uri("/2")), probe.ref());
        assertThat(probe.expectMessageClass(HttpClientEvent.Response.class).bodyAsString()).isEqualTo("second");
        assertThat(server.accepted.get()).isEqualTo(2);
    }

    @Test
    void shouldNotRetryAPostWhenTheConnectionClosesUnderIt() throws Exception {
        ScriptedServer server = serve((in, out) -> {
            readHead(in);
            write(out, OK);
            readHead(in);
            in.readNBytes(4);
        });
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        HttpClient client = client(HttpClientOptions.defaults());
        client.send(ClientRequest.get(server.uri("/1")), probe.ref());
        probe.expectMessageClass(HttpClientEvent.Response.class);
        client.send(ClientRequest.post(server.uri("/2"), HttpClientTest.bytes("data")), probe.ref());
        HttpClientEvent.Failed failed = probe.expectMessageClass(HttpClientEvent.Failed.class);
        assertThat(failed.failure()).isEqualTo(Failure.CLOSED_EARLY);
        assertThat(server.accepted.get()).isEqualTo(1);
    }

    @Test
    void shouldHonourConnectionCloseAndUseANewConnection() throws Exception {
        CompletableFuture<Integer> firstClosed = new CompletableFuture<>();
        ScriptedServer server = serve((in, out) -> {
            readHead(in);
            write(out, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
            firstClosed.complete(drain(in));
        }, (in, out) -> {
            readHead(in);
            write(out, OK);
            drain(in);
        });
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        HttpClient client = client(HttpClientOptions.defaults());
        client.send(ClientRequest.get(server.uri("/1")), probe.ref());
        probe.expectMessageClass(HttpClientEvent.Response.class);
        assertThat(firstClosed.get(10, TimeUnit.SECONDS)).as("the client closed it, sending nothing more").isZero();
        client.send(ClientRequest.get(server.uri("/2")), probe.ref());
        assertThat(probe.expectMessageClass(HttpClientEvent.Response.class).bodyAsString()).isEqualTo("ok");
        assertThat(server.accepted.get()).isEqualTo(2);
    }

    @Test
    void shouldHoldAWriterAtTheHighWaterMarkUntilTheServerReads() throws Exception {
        TcpOptions limits = TcpOptions.defaults().withWriteLimits(16 * 1024, 64 * 1024, 256 * 1024);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Long> received = new CompletableFuture<>();
        try (ServerSocket slowReader = new ServerSocket()) {
            slowReader.setReceiveBufferSize(4096);
            slowReader.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread.ofVirtual().start(() -> {
                try (Socket socket = slowReader.accept()) {
                    InputStream in = socket.getInputStream();
                    readHead(in);
                    go.await();
                    received.complete(readChunkedBody(in));
                    write(socket.getOutputStream(), OK);
                    drain(in);
                } catch (Exception e) {
                    received.completeExceptionally(e);
                }
            });
            TestProbe<HttpClientEvent> probe = kit.createProbe();
            HttpClient client = client(HttpClientOptions.defaults().withTcp(limits));
            RequestBodyWriter writer = client.upload(ClientRequest.of(HttpMethod.PUT,
                    java.net.URI.create("http://127.0.0.1:" + slowReader.getLocalPort() + "/file")), probe.ref());

            // The server does not read: the kernel's buffers fill, then the writer's queue.
            byte[] chunk = new byte[8 * 1024];
            long written = 0;
            boolean sawFalse = false;
            boolean refused = false;
            for (int i = 0; i < 10_000 && !refused; i++) {
                try {
                    sawFalse |= !writer.write(chunk);
                    written += chunk.length;
                } catch (WriteQueueFullException full) {
                    refused = true;
                }
            }
            assertThat(sawFalse).as("write returned false past the high-water mark").isTrue();
            assertThat(refused).as("a write was refused at the limit").isTrue();

            // Reading starts: the queue drains and the writer is told (perhaps more than once: it
            // went on writing past false until refused).
            go.countDown();
            probe.expectMessageClass(HttpClientEvent.BodyDrained.class);
            writer.end();
            HttpClientEvent event;
            do {
                event = probe.receiveMessage();
            } while (event instanceof HttpClientEvent.BodyDrained);
            assertThat(event).isInstanceOf(HttpClientEvent.Response.class);
            assertThat(((HttpClientEvent.Response) event).bodyAsString()).isEqualTo("ok");
            assertThat(received.get(10, TimeUnit.SECONDS)).as("every byte written arrived").isEqualTo(written);
        }
    }

    /** Reads a chunked body to its last chunk; {@return the data bytes} */
    static long readChunkedBody(InputStream in) throws IOException {
        long total = 0;
        while (true) {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("closed in a chunk size line");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            int size = Integer.parseInt(line.toString(), 16);
            if (size == 0) {
                readHead(new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(new byte[] {'\r', '\n'}), in));
                return total;
            }
            total += in.readNBytes(size).length;
            if (in.read() != '\r' || in.read() != '\n') {
                throw new IOException("no CRLF after chunk data");
            }
        }
    }

    @Test
    void shouldSkipTrailersAndInterimResponses() throws Exception {
        ScriptedServer server = serve((in, out) -> {
            readHead(in);
            write(out, "HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n5;x=1\r\npedia\r\n0\r\nExpires: never\r\n\r\n");
            drain(in);
        });
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        client(HttpClientOptions.defaults()).send(ClientRequest.get(server.uri("/")), probe.ref());
        HttpClientEvent.Response response = probe.expectMessageClass(HttpClientEvent.Response.class);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyAsString()).isEqualTo("wikipedia");
        assertThat(response.headers().contains("expires")).isFalse();
    }
}
