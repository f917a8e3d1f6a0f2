package dev.spindle.io.http;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import dev.spindle.io.TcpOptions;
import dev.spindle.io.WriteQueueFullException;
import dev.spindle.io.http.HttpServerTest.Answer;
import dev.spindle.io.http.HttpServerTest.Client;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Streamed answers ({@link ResponseWriter}) over real sockets: chunks, lengths, flow control, endings. */
class HttpStreamingTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create(IoConfig.defaults().withLoops(1));
    /** What the streams told the route actor. */
    private final BlockingQueue<ResponseWriterEvent> events = new LinkedBlockingQueue<>();

    @AfterEach
    void close() {
        io.close();
        kit.close();
    }

    /**
     * A server whose {@code /stream} route hands each request and its stream to {@code onRequest},
     * on the route actor's thread, and records the stream's events; {@code /hello} answers plainly.
     */
    private HttpServer serve(HttpServerOptions options, BiConsumer<HttpRequest, ActorRef<Object>> onRequest) throws IOException {
        ActorRef<Object> streamer = kit.spawn(Behavior.<Object>setup(ctx -> (c, message) -> {
            switch (message) {
                case HttpRequest request -> onRequest.accept(request, ctx.self());
                case ResponseWriterEvent event -> events.add(event);
                default -> throw new IllegalStateException("unexpected " + message);
            }
            return Behavior.same();
        }));
        ActorRef<HttpRequest> hello = kit.spawn((ctx, request) -> {
            request.respond(200, "text/plain", "Hello, World!");
            return Behavior.same();
        });
        Router router = Router.builder()
                .route(null, "/stream", streamer, request -> request)
                .get("/hello", hello)
                .build();
        return HttpServer.listen(io, ANY_PORT, options, router);
    }

    private ResponseWriterEvent nextEvent() throws InterruptedException {
        ResponseWriterEvent event = events.poll(10, TimeUnit.SECONDS);
        assertThat(event).as("a stream event within 10 s").isNotNull();
        return event;
    }

    /** Reads a chunked body: each chunk's data, then the last chunk. */
    private static String readChunks(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (;;) {
            int size = Integer.parseInt(line(in), 16);
            if (size == 0) {
                assertThat(line(in)).as("no trailers, then the end").isEmpty();
                return body.toString(StandardCharsets.UTF_8);
            }
            body.write(in.readNBytes(size));
            assertThat(line(in)).as("a chunk ends with CRLF").isEmpty();
        }
    }

    private static String line(InputStream in) throws IOException {
        return HttpServerTest.readLine(in);
    }

    @Test
    void shouldSendAStreamAsChunksAndThenTheAnswersPipelinedBehindIt() throws Exception {
        HttpServer server = serve(HttpServerOptions.defaults(), (request, self) -> {
            ResponseWriter stream = request.response().header("Content-Type", "text/plain").stream(self);
            stream.write("a");
            stream.write("bb");
            stream.write(new byte[0]); // nothing: not the last chunk
            stream.write("ccc");
            stream.end();
        });
        try (Client client = new Client(server)) {
            client.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            Answer head = client.readHead();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(head.header("Content-Length")).isNull();
            assertThat(readChunks(client.in)).isEqualTo("abbccc");
            assertThat(client.read().body()).isEqualTo("Hello, World!");
        }
        ResponseWriterEvent closed = nextEvent();
        assertThat(closed).isInstanceOfSatisfying(ResponseWriterEvent.Closed.class, c -> assertThat(c.cause()).isNull());
    }

    @Test
    void shouldEndAnEventStreamCleanlyWhenTheServerShutsDown() throws Exception {
        // Issue 16: a graceful shutdown cut a Server-Sent Events stream (curl: exit 18, transfer
        // closed with outstanding read data) instead of ending it, so a client could not tell it
        // from a failure; and, never ending by itself, it held the shutdown for its whole grace.
        HttpServer server = serve(HttpServerOptions.defaults(), (request, self) -> {
            ResponseWriter stream = request.response().header("Content-Type", "text/event-stream").stream(self);
            stream.write("data: first\n\n");
        });
        try (Client client = new Client(server)) {
            client.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readHead().status()).isEqualTo(200);
            long started = System.nanoTime();
            CompletableFuture<Void> drained = server.shutdown(java.time.Duration.ofSeconds(30)).toCompletableFuture();
            assertThat(readChunks(client.in)).isEqualTo("data: first\n\n");
            assertThat(client.in.read()).as("the connection closes after the stream's end").isEqualTo(-1);
            drained.get(10, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).as("seconds to shut down").isLessThan(10);
        }
        assertThat(nextEvent()).isInstanceOfSatisfying(ResponseWriterEvent.Closed.class,
                c -> assertThat(c.cause()).hasMessageContaining("shutting down"));
    }

    @Test
    void shouldAnswerAHeadOfAStreamThatNeverEndsWithItsHeadAndGoOn() throws Exception {
        // A HEAD's answer is its head: a stream that never ends must not hold the connection's line.
        HttpServer server = serve(HttpServerOptions.defaults(), (request, self) -> {
            ResponseWriter stream = request.response().header("Content-Type", "text/event-stream").stream(self);
            stream.write("data: never seen\n\n");
        });
        try (Client client = new Client(server)) {
            client.send("HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readHead().status()).isEqualTo(200);
            assertThat(client.read().body()).isEqualTo("Hello, World!");
        }
        assertThat(nextEvent()).isInstanceOfSatisfying(ResponseWriterEvent.Closed.class, c -> assertThat(c.cause()).isNull());
    }

    @Test
    void shouldLetAStreamThatIsNoEventStreamRunOnWhenTheServerShutsDown() throws Exception {
        // A chunked download ended early would look complete: it runs on until it ends (or the grace does).
        ResponseWriter[] writer = new ResponseWriter[1];
        CompletableFuture<Void> started = new CompletableFuture<>();
        HttpServer server = serve(HttpServerOptions.defaults(), (request, self) -> {
            writer[0] = request.response().header("Content-Type", "application/octet-stream").stream(self);
            writer[0].write("part 1;");
            started.complete(null);
        });
        try (Client client = new Client(server)) {
            client.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readHead().status()).isEqualTo(200);
            started.get(10, TimeUnit.SECONDS);
            assertThat(line(client.in)).isEqualTo("7");
            assertThat(new String(client.in.readNBytes(9), StandardCharsets.US_ASCII)).isEqualTo("part 1;\r\n");
            CompletableFuture<Void> drained = server.shutdown(java.time.Duration.ofSeconds(30)).toCompletableFuture();
            client.expectNothingWithin(java.time.Duration.ofMillis(300)); // not ended by the server
            writer[0].write("part 2");
            writer[0].end();
            assertThat(readChunks(client.in)).isEqualTo("part 2");
            drained.get(10, TimeUnit.SECONDS);
        }
        assertThat(nextEvent()).isInstanceOfSatisfying(ResponseWriterEvent.Closed.class, c -> assertThat(c.cause()).isNull());
    }

    @Test
    void shouldSendADeclaredLengthRawAndResetWhenTheStreamEndsShort() throws Exception {
        HttpServer server = serve(HttpServerOptions.defaults(), (request, self) -> {
            ResponseWriter stream = request.response().header("Content-Length", "5").stream(self);
            stream.write("hel");
            if (request.query() == null) {
                stream.write("lo");
            }
            stream.end();
        });
        try (Client client = new Client(server)) {
            client.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
            Answer whole = client.read();
            assertThat(whole.header("Content-Length")).isEqualTo("5");
            assertThat(whole.header("Transfer-Encoding")).isNull();
            assertThat(whole.body()).isEqualTo("hello");
            assertThat(((ResponseWriterEvent.Closed) nextEvent()).cause()).isNull();

            client.send("GET /stream?short HTTP/1.1\r\nHost: x\r\n\r\n");
            Answer head = client.readHead();
            assertThat(head.header("Content-Length")).isEqualTo("5");
            assertThat(client.in.readNBytes(3)).isEqualTo("hel".getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntilClosed(client.in)).as("nothing after the short body: the connection ends").isEmpty();
        }
        assertThat(((ResponseWriterEvent.Closed) nextEvent()).cause()).hasMessageContaining("ended after 3 of its Content-Length of 5");
    }

    /** Reads until the connection ends (EOF or reset). */
    private static byte[] readUntilClosed(InputStream in) {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        try {
            for (int b; (b = in.read()) >= 0; ) {
                rest.write(b);
            }
        } catch (IOException reset) {
            // A reset ends it too.
        }
        return rest.toByteArray();
    }

    @Test
    void shouldHoldAWriterThatOutrunsItsClientToTheHighWaterMarkAndTellItWhenDrained() throws Exception {
        TcpOptions tcp = TcpOptions.defaults();
        byte[] chunk = new byte[16 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        CompletableFuture<Long> queuedWhenRefused = new CompletableFuture<>();
        ResponseWriter[] streams = new ResponseWriter[1];
        HttpServer server = serve(HttpServerOptions.defaults(), (request, self) -> {
            ResponseWriter stream = request.response().stream(self);
            streams[0] = stream;
            // Write while the queue is below the high-water mark; the client reads nothing yet.
            int written = 0;
            while (stream.write(chunk)) {
                written++;
                assertThat(written).as("write turns false within the kernel's buffers and the high-water mark").isLessThan(4096);
            }
            // A writer that ignores false is refused at the hard limit, and nothing of it is queued.
            try {
                for (;;) {
                    stream.write(chunk);
                }
            } catch (WriteQueueFullException expected) {
                queuedWhenRefused.complete(stream.queuedBytes());
            }
        });
        try (Client client = new Client(server)) {
            client.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readHead().header("Transfer-Encoding")).isEqualTo("chunked");
            // The writer was refused past maxQueuedBytes: the server holds at most that much.
            assertThat(queuedWhenRefused.get(10, TimeUnit.SECONDS)).isPositive().isLessThanOrEqualTo(tcp.maxQueuedBytes());
            // Now read (until the connection ends): the queue drains, and the writer hears it.
            Thread reader = Thread.ofVirtual().start(() -> readUntilClosed(client.in));
            assertThat(nextEvent()).isInstanceOf(ResponseWriterEvent.Drained.class);
            client.socket.close();
            reader.join(10_000);
            assertThat(reader.isAlive()).isFalse();
        }
        // The client went away mid-stream: the writer hears it, and later writes are dropped and counted.
        ResponseWriterEvent closed = nextEvent();
        while (closed instanceof ResponseWriterEvent.Drained) {
            closed = nextEvent(); // the writer went on past false, so the queue may have drained more than once
        }
        assertThat(((ResponseWriterEvent.Closed) closed).cause()).hasMessageContaining("connection closed");
        assertThat(streams[0].write(chunk)).isFalse();
        assertThat(streams[0].droppedBytes()).isGreaterThanOrEqualTo(chunk.length);
    }

    @Test
    void shouldSendOnlyTheHeadOfAStreamAnsweringHead() throws Exception {
        HttpServer server = serve(HttpServerOptions.defaults(), (request, self) -> {
            ResponseWriter stream = request.response().stream(self);
            stream.write("not sent");
            stream.end();
        });
        try (Client client = new Client(server)) {
            client.send("HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            Answer head = client.readHead();
            assertThat(head.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(client.read().body()).as("the next answer right after the head").isEqualTo("Hello, World!");
        }
    }

    @Test
    void shouldEndAStreamToAnHttp10ClientWithTheConnection() throws Exception {
        HttpServer server = serve(HttpServerOptions.defaults(), (request, self) -> {
            ResponseWriter stream = request.response().stream(self);
            stream.write("one ");
            stream.write("two");
            stream.end();
        });
        try (Socket socket = new Socket()) {
            socket.connect(server.localAddress(), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /stream HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(all).startsWith("HTTP/1.1 200 OK\r\n").contains("Connection: close\r\n")
                    .doesNotContain("Transfer-Encoding").endsWith("\r\n\r\none two");
        }
    }

    @Test
    void shouldLetAHandlerAbortItsStream() throws Exception {
        HttpServer server = serve(HttpServerOptions.defaults(), (request, self) -> {
            ResponseWriter stream = request.response().stream(self);
            stream.write("partial");
            stream.abort();
        });
        try (Client client = new Client(server)) {
            client.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
            String all = new String(readUntilClosed(client.in), StandardCharsets.US_ASCII);
            assertThat(all).as("reset: whatever arrived, never the last chunk").doesNotContain("0\r\n\r\n");
        }
        assertThat(((ResponseWriterEvent.Closed) nextEvent()).cause()).hasMessageContaining("aborted");
    }

    @Test
    void shouldStreamToCurlAsItIsWritten() throws Exception {
        HttpServer server = serve(HttpServerOptions.defaults(), (request, self) -> {
            ResponseWriter stream = request.response().header("Content-Type", "text/event-stream").stream(self);
            for (int i = 0; i < 3; i++) {
                stream.write("data: event " + i + "\n\n");
            }
            stream.end();
        });
        String url = "http://127.0.0.1:" + server.localAddress().getPort() + "/stream";
        Process curl = new ProcessBuilder("curl", "-sS", "-N", "--http1.1", url).redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(curl.exitValue()).as(out).isZero();
        assertThat(out).isEqualTo("data: event 0\n\ndata: event 1\n\ndata: event 2\n\n");
    }

    @Test
    void shouldRefuseFramingHeadersAndAnswersThatContradictTheirLength() throws Exception {
        BlockingQueue<Throwable> refused = new LinkedBlockingQueue<>();
        HttpServer server = serve(HttpServerOptions.defaults(), (request, self) -> {
            try {
                request.response().header("Transfer-Encoding", "chunked");
            } catch (IllegalArgumentException e) {
                refused.add(e);
            }
            try {
                request.response().header("Content-Length", "3").send("four".getBytes(StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                refused.add(e);
            }
            request.response().header("Content-Length", "4").send("four".getBytes(StandardCharsets.US_ASCII));
        });
        try (Client client = new Client(server)) {
            client.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
            Answer answer = client.read();
            assertThat(answer.body()).isEqualTo("four");
        }
        assertThat(refused).hasSize(2);
    }
}
