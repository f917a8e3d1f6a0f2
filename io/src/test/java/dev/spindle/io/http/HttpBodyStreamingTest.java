package dev.spindle.io.http;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import dev.spindle.io.http.HttpServerTest.Answer;
import dev.spindle.io.http.HttpServerTest.Client;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/** Streamed request bodies ({@link Router.Builder#streamingBody()}) over real sockets: pace, limits, endings. */
class HttpBodyStreamingTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    /** Small, so that every body here is over it: streamed bodies are not held to it. */
    private static final HttpServerOptions OPTIONS = HttpServerOptions.defaults().withMaxBodySize(16 * 1024);

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create(IoConfig.defaults().withLoops(1));
    /** What the body reader was told, in order. */
    private final BlockingQueue<RequestBodyEvent> events = new LinkedBlockingQueue<>();
    /** Chunks the reader asks for after each chunk it gets (0: it stops asking). */
    private volatile int askAfterEachChunk = 1;
    private volatile RequestBodyStream stream;

    @AfterEach
    void close() {
        io.close();
        kit.close();
    }

    /**
     * {@code /upload} streams its body to an actor that asks for chunks as {@link #askAfterEachChunk}
     * says, checksums them, and answers {@code bytes crc} at the end (or 400 if it failed);
     * {@code /early} answers at once, before reading; {@code /hello} answers plainly.
     */
    private HttpServer serve() throws IOException {
        return serve(OPTIONS);
    }

    private HttpServer serve(HttpServerOptions options) throws IOException {
        ActorRef<Object> uploads = kit.spawn(Behavior.<Object>setup(ctx -> {
            CRC32 crc = new CRC32();
            HttpRequest[] pending = new HttpRequest[1];
            return (c, message) -> {
                switch (message) {
                    case HttpRequest request when request.path().equals("/early") -> request.respond(413, "text/plain", "no thanks");
                    case HttpRequest request -> {
                        assertThat(request.bodyStreamed()).isTrue();
                        assertThat(request.bodyLength()).isZero();
                        pending[0] = request;
                        crc.reset();
                        stream = request.streamBody(ctx.self());
                    }
                    case RequestBodyEvent.Chunk chunk -> {
                        events.add(chunk);
                        crc.update(chunk.data());
                        if (askAfterEachChunk > 0) {
                            chunk.stream().request(askAfterEachChunk);
                        }
                    }
                    case RequestBodyEvent.End end -> {
                        events.add(end);
                        pending[0].respond(200, "text/plain", end.size() + " " + crc.getValue());
                    }
                    case RequestBodyEvent.Failed failed -> {
                        events.add(failed);
                        if (pending[0] != null && !pending[0].answered) {
                            pending[0].respond(400, "text/plain", "bad body");
                        }
                    }
                    default -> throw new IllegalStateException("unexpected " + message);
                }
                return Behavior.same();
            };
        }));
        ActorRef<HttpRequest> hello = kit.spawn((ctx, request) -> {
            request.respond(200, "text/plain", "Hello, World!");
            return Behavior.same();
        });
        Router router = Router.builder()
                .route(HttpMethod.POST, "/upload", uploads, request -> request).streamingBody()
                .route(HttpMethod.POST, "/early", uploads, request -> request).streamingBody()
                .get("/hello", hello)
                .build();
        return HttpServer.listen(io, ANY_PORT, options, router);
    }

    private static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new java.util.Random(seed).nextBytes(data);
        return data;
    }

    private static long crc(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return crc.getValue();
    }

    private RequestBodyEvent nextEvent() throws InterruptedException {
        RequestBodyEvent event = events.poll(10, TimeUnit.SECONDS);
        assertThat(event).as("a body event within 10 s").isNotNull();
        return event;
    }

    @Test
    void shouldStreamABodyWithContentLengthFarOverTheCollectedLimit() throws Exception {
        HttpServer server = serve();
        byte[] data = bytes(3 * 1024 * 1024, 1);
        try (Client client = new Client(server)) {
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + data.length + "\r\n\r\n");
            client.out.write(data);
            client.out.flush();
            Answer answer = client.read();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo(data.length + " " + crc(data));
            // The connection goes on.
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.read().body()).isEqualTo("Hello, World!");
        }
        assertThat(events).allSatisfy(e -> assertThat(e).isInstanceOfAny(RequestBodyEvent.Chunk.class, RequestBodyEvent.End.class));
    }

    @Test
    void shouldStreamAChunkedBodyAndTheRequestPipelinedBehindIt() throws Exception {
        HttpServer server = serve();
        try (Client client = new Client(server)) {
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\nTrailer: x\r\n\r\n"
                    + "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            byte[] expected = "hello world".getBytes(StandardCharsets.US_ASCII);
            assertThat(client.read().body()).isEqualTo(expected.length + " " + crc(expected));
            assertThat(client.read().body()).isEqualTo("Hello, World!");
        }
    }

    @Test
    void shouldReadNoFasterThanTheReaderAsks() throws Exception {
        askAfterEachChunk = 0; // one chunk (asked for by streamBody), then nothing
        HttpServer server = serve();
        byte[] data = bytes(64 * 1024 * 1024, 2);
        try (Client client = new Client(server)) {
            AtomicLong written = new AtomicLong();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + data.length + "\r\n\r\n");
                    OutputStream out = client.out;
                    for (int at = 0; at < data.length; at += 64 * 1024) {
                        out.write(data, at, 64 * 1024);
                        written.addAndGet(64 * 1024);
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            assertThat(nextEvent()).isInstanceOf(RequestBodyEvent.Chunk.class);
            // The reader asks for nothing more: the server stops reading, so the client's writes
            // stall once the kernel's buffers are full, far short of 64 MiB.
            long stalled = awaitStall(written);
            assertThat(stalled).isLessThan(data.length / 4);
            assertThat(writer).isNotDone();
            assertThat(events).isEmpty();

            // Now it asks for everything: the rest comes, and the answer adds up.
            askAfterEachChunk = 1_000;
            stream.request(1_000);
            writer.get(30, TimeUnit.SECONDS);
            Answer answer = client.read();
            assertThat(answer.body()).isEqualTo(data.length + " " + crc(data));
        }
    }

    @Test
    void shouldFailAStreamedBodyThatStopsArrivingWhileItsReaderWaits() throws Exception {
        HttpServer server = serve(OPTIONS.withBodyTimeout(Duration.ofMillis(300)));
        try (Client client = new Client(server)) {
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nthe start");
            assertThat(nextEvent()).isInstanceOf(RequestBodyEvent.Chunk.class);
            assertThat(nextEvent()).isInstanceOf(RequestBodyEvent.Failed.class);
            assertThat(client.read().status()).isEqualTo(400); // the handler's answer to its failed body
            assertThat(client.in.read()).isEqualTo(-1);
        }
        assertThat(server.stats().timedOut()).isEqualTo(1);
    }

    @Test
    void shouldNotTimeOutAStreamedBodyWhoseReaderAsksForNothing() throws Exception {
        askAfterEachChunk = 0;
        HttpServer server = serve(OPTIONS.withBodyTimeout(Duration.ofMillis(500)));
        try (Client client = new Client(server)) {
            byte[] data = bytes(4 * 1024 * 1024, 3);
            CompletableFuture<Void> writer = upload(client, data);
            assertThat(nextEvent()).isInstanceOf(RequestBodyEvent.Chunk.class);
            // The reader waits far longer than the body timeout: the wait is the server's, not the client's.
            assertThat(events.poll(2, TimeUnit.SECONDS)).isNull();
            askAfterEachChunk = 1_000;
            stream.request(1_000);
            writer.get(30, TimeUnit.SECONDS);
            assertThat(client.read().body()).isEqualTo(data.length + " " + crc(data));
        }
        assertThat(server.stats().timedOut()).isZero();
    }

    @Test
    void shouldStreamABodyThatPausesOnAConnectionWithOneRequestInFlight() throws Exception {
        // The streamed request is the one in flight: its own body must go on when its reader asks.
        askAfterEachChunk = 0;
        HttpServer server = serve(OPTIONS.withMaxPipelined(1));
        byte[] data = bytes(2 * 1024 * 1024, 4);
        try (Client client = new Client(server)) {
            CompletableFuture<Void> writer = upload(client, data);
            assertThat(nextEvent()).isInstanceOf(RequestBodyEvent.Chunk.class);
            assertThat(events.poll(300, TimeUnit.MILLISECONDS)).as("nothing more asked for").isNull();
            askAfterEachChunk = 1_000;
            stream.request(1_000);
            writer.get(30, TimeUnit.SECONDS);
            assertThat(client.read().body()).isEqualTo(data.length + " " + crc(data));
        }
    }

    /** {@return the upload of {@code data} to {@code /upload}, written on a virtual thread (it blocks while the server reads nothing)} */
    private static CompletableFuture<Void> upload(Client client, byte[] data) {
        return CompletableFuture.runAsync(() -> {
            try {
                client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + data.length + "\r\n\r\n");
                client.out.write(data);
                client.out.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
    }

    /** Waits until {@code written} stops growing for a while; {@return its value then} */
    private static long awaitStall(AtomicLong written) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long last = -1;
        int steady = 0;
        while (System.nanoTime() < deadline) {
            long now = written.get();
            steady = now == last ? steady + 1 : 0;
            if (steady >= 20) { // 20 looks, 25 ms apart: half a second without progress
                return now;
            }
            last = now;
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(25));
        }
        throw new AssertionError("the client never stalled: " + written.get() + " bytes written");
    }

    @Test
    void shouldCloseAfterAnAnswerThatCameBeforeTheBodyEnded() throws Exception {
        HttpServer server = serve();
        try (Client client = new Client(server)) {
            client.send("POST /early HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nsome of it");
            Answer answer = client.read();
            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.header("Connection")).isEqualTo("close");
            assertThat(client.in.read()).as("then the connection ends").isEqualTo(-1);
        }
    }

    @Test
    void shouldTellTheReaderWhenTheClientLeavesMidBody() throws Exception {
        HttpServer server = serve();
        try (Client client = new Client(server)) {
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
            client.out.write(new byte[1000]);
            client.out.flush();
            assertThat(nextEvent()).isInstanceOf(RequestBodyEvent.Chunk.class);
        }
        RequestBodyEvent last = nextEvent();
        while (last instanceof RequestBodyEvent.Chunk) {
            last = nextEvent();
        }
        assertThat(last).isInstanceOfSatisfying(RequestBodyEvent.Failed.class,
                f -> assertThat(f.cause()).hasMessageContaining("before the body ended"));
    }

    @Test
    void shouldLetTheHandlerAnswerAMalformedChunkedBodyAndThenClose() throws Exception {
        HttpServer server = serve();
        try (Client client = new Client(server)) {
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n");
            Answer answer = client.read();
            assertThat(answer.status()).as("the handler's own answer, and only that").isEqualTo(400);
            assertThat(answer.body()).isEqualTo("bad body");
            assertThat(client.in.read()).isEqualTo(-1);
        }
        RequestBodyEvent last = nextEvent();
        while (last instanceof RequestBodyEvent.Chunk) {
            last = nextEvent();
        }
        assertThat(last).isInstanceOfSatisfying(RequestBodyEvent.Failed.class,
                f -> assertThat(f.cause()).hasMessageContaining("chunk size"));
    }

    @Test
    void shouldCollectBodiesOnOtherRoutesAndHoldThemToTheLimit() throws Exception {
        HttpServer server = serve();
        try (Client client = new Client(server)) {
            byte[] big = new byte[OPTIONS.maxBodySize() + 1];
            Arrays.fill(big, (byte) 'x');
            client.send("POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: " + big.length + "\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(413);
        }
    }

    @Test
    void shouldStreamACurlUploadWith100Continue() throws Exception {
        HttpServer server = serve();
        byte[] data = bytes(200_000, 3);
        java.nio.file.Path file = java.nio.file.Files.createTempFile("upload", ".bin");
        try {
            java.nio.file.Files.write(file, data);
            String url = "http://127.0.0.1:" + server.localAddress().getPort() + "/upload";
            Process curl = new ProcessBuilder("curl", "-sS", "--http1.1", "-H", "Expect: 100-continue",
                    "--expect100-timeout", "30", "--data-binary", "@" + file, url).redirectErrorStream(true).start();
            String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(out).isEqualTo(data.length + " " + crc(data));
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
