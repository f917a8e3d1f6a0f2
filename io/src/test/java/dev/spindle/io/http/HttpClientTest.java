package dev.spindle.io.http;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.actors.testkit.TestProbe;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP client against Spindle's own server, over real sockets on 127.0.0.1. */
class HttpClientTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final int BIG = 8 << 20;

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create(IoConfig.defaults().withLoops(2));
    /** Opened by a test: until then a request to {@code /blocked} holds its handler. */
    private final CountDownLatch gate = new CountDownLatch(1);
    /** One permit per request answered by the fast handler. */
    private final Semaphore answers = new Semaphore(0);
    private final byte[] big = bigBody();

    @AfterEach
    void close() {
        io.close();
        kit.close();
    }

    private static byte[] bigBody() {
        byte[] bytes = new byte[BIG];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 13));
        }
        return bytes;
    }

    Behavior<HttpRequest> app() {
        return (ctx, request) -> {
            String path = request.path();
            switch (path) {
                case "/hello" -> request.respond(200, "text/plain", "Hello, World!");
                case "/echo" -> request.response().status(201).header("X-Length", Integer.toString(request.bodyLength()))
                        .send(request.body());
                case "/big" -> request.respond(200, "application/octet-stream", big);
                case "/pattern" -> request.respond(200, "application/octet-stream", pattern(Integer.parseInt(request.query())));
                case "/blocked" -> {
                    gate.await();
                    request.respond(200, "text/plain", "unblocked");
                    return Behavior.same();
                }
                default -> request.respond(200, "text/plain", "user " + request.pathParam("id"));
            }
            answers.release();
            return Behavior.same();
        };
    }

    private HttpServer start() throws IOException {
        ActorRef<HttpRequest> fast = kit.spawn(app());
        ActorRef<HttpRequest> slow = kit.spawn(app());
        Router router = Router.builder()
                .get("/hello", fast)
                .post("/echo", fast)
                .get("/big", fast)
                .get("/pattern", fast)
                .get("/users/:id", fast)
                .get("/blocked", slow)
                .build();
        return HttpServer.listen(io, ANY_PORT, HttpServerOptions.defaults(), router);
    }

    private static String base(HttpServer server) {
        return "http://127.0.0.1:" + server.localAddress().getPort();
    }

    private static HttpClientEvent.Response response(TestProbe<HttpClientEvent> probe) {
        HttpClientEvent event = probe.receiveMessage();
        assertThat(event).isInstanceOf(HttpClientEvent.Response.class);
        return (HttpClientEvent.Response) event;
    }

    @Test
    void shouldReuseOneKeepAliveConnectionForSequentialRequests() throws Exception {
        HttpServer server = start();
        HttpClient client = HttpClient.create(io, HttpClientOptions.defaults());
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        for (int i = 0; i < 5; i++) {
            client.send(ClientRequest.get(base(server) + "/hello"), probe.ref());
            HttpClientEvent.Response response = response(probe);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyAsString()).isEqualTo("Hello, World!");
            assertThat(response.headers().first("content-type")).isEqualTo("text/plain");
            assertThat(response.headers().first("CONTENT-LENGTH")).isEqualTo("13");
        }
        assertThat(server.openConnections()).as("connections the server holds").isEqualTo(1);
        assertThat(client.openConnections()).isEqualTo(1);
    }

    @Test
    void shouldPipelineOnOneConnectionAndMatchResponsesInOrder() throws Exception {
        HttpServer server = start();
        HttpClient client = HttpClient.create(io, HttpClientOptions.defaults().withMaxConnectionsPerHost(1).withMaxPipelined(4));
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        client.send(ClientRequest.get(base(server) + "/blocked"), probe.ref());
        for (int i = 1; i <= 3; i++) {
            client.send(ClientRequest.get(base(server) + "/users/" + i), probe.ref());
        }
        // The three later requests reached the server while the first was unanswered: pipelined.
        assertThat(answers.tryAcquire(3, 10, TimeUnit.SECONDS)).isTrue();
        probe.expectNoMessage(Duration.ofMillis(100));
        gate.countDown();
        assertThat(response(probe).bodyAsString()).isEqualTo("unblocked");
        for (int i = 1; i <= 3; i++) {
            HttpClientEvent.Response response = response(probe);
            assertThat(response.request().target()).isEqualTo("/users/" + i);
            assertThat(response.bodyAsString()).isEqualTo("user " + i);
        }
        assertThat(server.openConnections()).isEqualTo(1);
    }

    @Test
    void shouldOpenMoreConnectionsUpToTheLimitPerHost() throws Exception {
        HttpServer server = start();
        HttpClient client = HttpClient.create(io, HttpClientOptions.defaults().withMaxConnectionsPerHost(2));
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        for (int i = 0; i < 3; i++) {
            client.send(ClientRequest.get(base(server) + "/blocked"), probe.ref());
        }
        // Two in flight on two connections, the third waits for one of them.
        awaitCondition(() -> server.openConnections() == 2, "two server connections");
        probe.expectNoMessage(Duration.ofMillis(100));
        assertThat(client.openConnections()).isEqualTo(2);
        gate.countDown();
        for (int i = 0; i < 3; i++) {
            assertThat(response(probe).bodyAsString()).isEqualTo("unblocked");
        }
        assertThat(client.openConnections()).isEqualTo(2);
    }

    @Test
    void shouldUploadAChunkedBody() throws Exception {
        HttpServer server = start();
        HttpClient client = HttpClient.create(io, HttpClientOptions.defaults());
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        List<byte[]> chunks = List.of(bytes("hello"), new byte[0], bytes(" "), bytes("world"));
        client.send(ClientRequest.of(HttpMethod.POST, java.net.URI.create(base(server) + "/echo")).withChunkedBody(chunks),
                probe.ref());
        HttpClientEvent.Response response = response(probe);
        assertThat(response.status()).isEqualTo(201);
        assertThat(response.bodyAsString()).isEqualTo("hello world");
        assertThat(response.headers().first("x-length")).isEqualTo("11");
    }

    @Test
    void shouldSendTheBodyOnlyAfter100Continue() throws Exception {
        HttpServer server = start();
        // A continue timeout far past the probe's wait: the body can only have gone on the 100.
        HttpClient client = HttpClient.create(io, HttpClientOptions.defaults().withContinueTimeout(Duration.ofMinutes(5)));
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        client.send(ClientRequest.post(base(server) + "/echo", bytes("ping")).withExpectContinue(), probe.ref());
        HttpClientEvent.Response response = response(probe);
        assertThat(response.status()).isEqualTo(201);
        assertThat(response.bodyAsString()).isEqualTo("ping");
    }

    @Test
    void shouldReadNoBodyAfterHeadAndKeepTheConnection() throws Exception {
        HttpServer server = start();
        HttpClient client = HttpClient.create(io, HttpClientOptions.defaults());
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        client.send(ClientRequest.head(base(server) + "/hello"), probe.ref());
        HttpClientEvent.Response head = response(probe);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.headers().first("Content-Length")).isEqualTo("13");
        assertThat(head.body()).isEmpty();
        client.send(ClientRequest.get(base(server) + "/hello"), probe.ref());
        assertThat(response(probe).bodyAsString()).isEqualTo("Hello, World!");
        assertThat(server.openConnections()).isEqualTo(1);
    }

    @Test
    void shouldStreamALargeBodyAtTheReceiversPaceAndHoldAtMostOneRead() throws Exception {
        HttpServer server = start();
        HttpClient client = HttpClient.create(io, HttpClientOptions.defaults());
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        client.stream(ClientRequest.get(base(server) + "/big"), probe.ref());
        HttpClientEvent.ResponseHead head = probe.expectMessageClass(HttpClientEvent.ResponseHead.class);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.headers().first("Content-Length")).isEqualTo(Integer.toString(BIG));
        HttpClientEvent.BodyChunk first = probe.expectMessageClass(HttpClientEvent.BodyChunk.class);
        CRC32 crc = new CRC32();
        crc.update(first.data());
        long received = first.data().length;

        // Nothing asked for: no chunk comes, and the client holds at most one read of the body.
        probe.expectNoMessage(Duration.ofMillis(300));
        assertThat(client.heldBytes()).isLessThanOrEqualTo(IoConfig.defaults().readBufferSize());
        assertThat(received).isLessThan(BIG);

        head.stream().request(3);
        for (int i = 0; i < 3; i++) {
            byte[] data = probe.expectMessageClass(HttpClientEvent.BodyChunk.class).data();
            crc.update(data);
            received += data.length;
        }
        probe.expectNoMessage(Duration.ofMillis(100));
        assertThat(client.heldBytes()).isLessThanOrEqualTo(IoConfig.defaults().readBufferSize());

        head.stream().request(Integer.MAX_VALUE);
        while (true) {
            HttpClientEvent event = probe.receiveMessage();
            if (event instanceof HttpClientEvent.BodyChunk(ResponseStream stream, byte[] data)) {
                crc.update(data);
                received += data.length;
            } else {
                assertThat(event).isInstanceOf(HttpClientEvent.ResponseEnd.class);
                assertThat(((HttpClientEvent.ResponseEnd) event).bodyBytes()).isEqualTo(BIG);
                break;
            }
        }
        assertThat(received).isEqualTo(BIG);
        CRC32 expected = new CRC32();
        expected.update(big);
        assertThat(crc.getValue()).isEqualTo(expected.getValue());

        // The connection is whole again: the next request goes on it.
        client.send(ClientRequest.get(base(server) + "/hello"), probe.ref());
        assertThat(response(probe).bodyAsString()).isEqualTo("Hello, World!");
        assertThat(server.openConnections()).isEqualTo(1);
    }

    @Test
    void shouldFailABodyOverTheLimitAndServeTheNextRequest() throws Exception {
        HttpServer server = start();
        HttpClient client = HttpClient.create(io, HttpClientOptions.defaults().withMaxBodySize(1000));
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        client.send(ClientRequest.get(base(server) + "/big"), probe.ref());
        HttpClientEvent.Failed failed = probe.expectMessageClass(HttpClientEvent.Failed.class);
        assertThat(failed.failure()).isEqualTo(HttpClientEvent.Failure.LIMIT_EXCEEDED);
        assertThat(failed.cause()).hasMessageContaining("larger than 1000");
        client.send(ClientRequest.get(base(server) + "/hello"), probe.ref());
        assertThat(response(probe).status()).isEqualTo(200);
    }

    @Test
    void shouldFailWhatIsInFlightWhenTheClientCloses() throws Exception {
        HttpServer server = start();
        HttpClient client = HttpClient.create(io, HttpClientOptions.defaults());
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        client.send(ClientRequest.get(base(server) + "/blocked"), probe.ref());
        awaitCondition(() -> server.openConnections() == 1, "a server connection");
        client.close();
        assertThat(probe.expectMessageClass(HttpClientEvent.Failed.class).failure())
                .isEqualTo(HttpClientEvent.Failure.CLIENT_CLOSED);
        client.send(ClientRequest.get(base(server) + "/hello"), probe.ref());
        assertThat(probe.expectMessageClass(HttpClientEvent.Failed.class).failure())
                .isEqualTo(HttpClientEvent.Failure.CLIENT_CLOSED);
        gate.countDown();
    }

    @Test
    void shouldUploadABodyWrittenAsItGoes() throws Exception {
        HttpServer server = start();
        HttpClient client = HttpClient.create(io, HttpClientOptions.defaults());
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        RequestBodyWriter writer = client.upload(ClientRequest.of(HttpMethod.POST, java.net.URI.create(base(server) + "/echo")),
                probe.ref());
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            String part = "part " + i + ";";
            assertThat(writer.write(bytes(part))).isTrue();
            expected.append(part);
        }
        writer.end();
        HttpClientEvent.Response response = response(probe);
        assertThat(response.status()).isEqualTo(201);
        assertThat(response.bodyAsString()).isEqualTo(expected.toString());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.write(bytes("late")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("has ended");
    }

    /** A fetcher's protocol: the client's events arrive wrapped, beside the actor's own messages. */
    sealed interface Fetcher {
        record Fetch(String uri) implements Fetcher {
        }

        record Got(HttpClientEvent event) implements Fetcher {
        }
    }

    /** Asks, never waits: each response comes back as a message and is reported. */
    static Behavior<Fetcher> fetcher(HttpClient client, ActorRef<String> report) {
        return (ctx, message) -> {
            switch (message) {
                case Fetcher.Fetch(String uri) -> client.send(ClientRequest.get(uri), ctx.self(), Fetcher.Got::new);
                case Fetcher.Got(HttpClientEvent.Response response) ->
                        report.tell(response.status() + " " + response.bodyAsString());
                case Fetcher.Got(HttpClientEvent.Failed failed) -> report.tell("failed " + failed.failure());
                case Fetcher.Got(HttpClientEvent other) -> report.tell("unexpected " + other);
            }
            return Behavior.same();
        };
    }

    @Test
    void shouldAnswerAnActorInItsOwnProtocol() throws Exception {
        HttpServer server = start();
        HttpClient client = HttpClient.create(io, HttpClientOptions.defaults());
        TestProbe<String> report = kit.createProbe();
        ActorRef<Fetcher> fetcher = kit.spawn(fetcher(client, report.ref()));
        fetcher.tell(new Fetcher.Fetch(base(server) + "/blocked"));
        fetcher.tell(new Fetcher.Fetch(base(server) + "/users/5"));
        // The actor was not held by the first request: the second one's answer comes first.
        assertThat(report.receiveMessage()).isEqualTo("200 user 5");
        gate.countDown();
        assertThat(report.receiveMessage()).isEqualTo("200 unblocked");
        fetcher.tell(new Fetcher.Fetch("http://127.0.0.1:1/nobody"));
        assertThat(report.receiveMessage()).isEqualTo("failed CONNECT_FAILED");
    }

    @Test
    void shouldCloseTheConnectionOfACancelledStream() throws Exception {
        HttpServer server = start();
        HttpClient client = HttpClient.create(io, HttpClientOptions.defaults());
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        client.stream(ClientRequest.get(base(server) + "/big"), probe.ref());
        HttpClientEvent.ResponseHead head = probe.expectMessageClass(HttpClientEvent.ResponseHead.class);
        probe.expectMessageClass(HttpClientEvent.BodyChunk.class);
        head.stream().cancel();
        head.stream().request(10);
        probe.expectNoMessage(Duration.ofMillis(200));
        awaitCondition(() -> client.openConnections() == 0, "the cancelled stream's connection closed");
        client.send(ClientRequest.get(base(server) + "/hello"), probe.ref());
        assertThat(response(probe).bodyAsString()).isEqualTo("Hello, World!");
    }

    @Test
    void shouldCloseAnIdleConnectionAfterTheIdleTimeout() throws Exception {
        HttpServer server = start();
        HttpClient client = HttpClient.create(io, HttpClientOptions.defaults().withIdleTimeout(Duration.ofMillis(200)));
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        client.send(ClientRequest.get(base(server) + "/hello"), probe.ref());
        assertThat(response(probe).status()).isEqualTo(200);
        awaitCondition(() -> client.openConnections() == 0 && server.openConnections() == 0, "the idle connection closed");
    }

    @Test
    void shouldRefuseARequestPastTheQueueLimitPerHost() throws Exception {
        HttpServer server = start();
        HttpClient client = HttpClient.create(io, HttpClientOptions.defaults().withMaxConnectionsPerHost(1).withMaxQueuedPerHost(1));
        TestProbe<HttpClientEvent> probe = kit.createProbe();
        client.send(ClientRequest.get(base(server) + "/blocked"), probe.ref());
        awaitCondition(() -> server.openConnections() == 1, "the first request's connection");
        client.send(ClientRequest.get(base(server) + "/users/1"), probe.ref());
        client.send(ClientRequest.get(base(server) + "/users/2"), probe.ref());
        HttpClientEvent.Failed refused = probe.expectMessageClass(HttpClientEvent.Failed.class);
        assertThat(refused.failure()).isEqualTo(HttpClientEvent.Failure.LIMIT_EXCEEDED);
        assertThat(refused.request().target()).isEqualTo("/users/2");
        gate.countDown();
        assertThat(response(probe).bodyAsString()).isEqualTo("unblocked");
        assertThat(response(probe).bodyAsString()).isEqualTo("user 1");
    }

    /** {@return {@code size} bytes that differ with the size and the position} */
    static byte[] pattern(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 7 + size);
        }
        return bytes;
    }

    /**
     * Seeded: rounds of a few concurrent requests of every kind (collected, streamed at random
     * demand, HEAD, fixed, chunked and written bodies) over two pipelined connections; every
     * response must be whole and matched to its request. Replay with {@code -Dspindle.seed=<seed>}.
     */
    @Test
    void shouldServeARandomMixOfRequestsOverPipelinedConnections() throws Exception {
        long seed = Long.getLong("spindle.seed", System.nanoTime());
        System.out.println("HttpClientTest random mix: seed " + seed + " (replay with -Dspindle.seed=" + seed + ")");
        java.util.Random random = new java.util.Random(seed);
        HttpServer server = start();
        HttpClient client = HttpClient.create(io, HttpClientOptions.defaults().withMaxConnectionsPerHost(2).withMaxPipelined(3));
        for (int round = 0; round < 30; round++) {
            int count = 1 + random.nextInt(6);
            List<TestProbe<HttpClientEvent>> probes = new java.util.ArrayList<>();
            List<byte[]> expected = new java.util.ArrayList<>();
            List<Integer> kinds = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                TestProbe<HttpClientEvent> probe = kit.createProbe();
                int kind = random.nextInt(6);
                int size = random.nextInt(4) == 0 ? random.nextInt(300_000) : random.nextInt(2_000);
                byte[] body = pattern(size);
                switch (kind) {
                    case 0 -> client.send(ClientRequest.get(base(server) + "/pattern?" + size), probe.ref());
                    case 1 -> client.stream(ClientRequest.get(base(server) + "/pattern?" + size), probe.ref());
                    case 2 -> client.send(ClientRequest.head(base(server) + "/pattern?" + size), probe.ref());
                    case 3 -> client.send(ClientRequest.post(base(server) + "/echo", body), probe.ref());
                    case 4 -> {
                        int cut = size / 3;
                        client.send(ClientRequest.of(HttpMethod.POST, java.net.URI.create(base(server) + "/echo"))
                                .withChunkedBody(List.of(java.util.Arrays.copyOfRange(body, 0, cut),
                                        java.util.Arrays.copyOfRange(body, cut, size))), probe.ref());
                    }
                    default -> {
                        RequestBodyWriter writer = client.upload(
                                ClientRequest.of(HttpMethod.POST, java.net.URI.create(base(server) + "/echo")), probe.ref());
                        for (int off = 0; off < size; off += 4096) {
                            writer.write(java.util.Arrays.copyOfRange(body, off, Math.min(size, off + 4096)));
                        }
                        writer.end();
                    }
                }
                probes.add(probe);
                expected.add(kind == 2 ? new byte[0] : body);
                kinds.add(kind);
            }
            for (int i = 0; i < count; i++) {
                String what = "seed " + seed + ", round " + round + ", request " + i + " of kind " + kinds.get(i);
                assertThat(receiveBody(probes.get(i), random)).as(what).isEqualTo(expected.get(i));
            }
        }
        assertThat(client.openConnections()).isLessThanOrEqualTo(2);
    }

    /** {@return the body of the one response {@code probe} gets, streamed or not (skipping BodyDrained)} */
    private static byte[] receiveBody(TestProbe<HttpClientEvent> probe, java.util.Random random) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        while (true) {
            HttpClientEvent event = probe.receiveMessage();
            switch (event) {
                case HttpClientEvent.Response response -> {
                    return response.body();
                }
                case HttpClientEvent.ResponseHead head -> assertThat(head.status()).isEqualTo(200);
                case HttpClientEvent.BodyChunk(ResponseStream stream, byte[] data) -> {
                    body.writeBytes(data);
                    stream.request(1 + random.nextInt(3));
                }
                case HttpClientEvent.ResponseEnd end -> {
                    return body.toByteArray();
                }
                case HttpClientEvent.BodyDrained drained -> {
                    // The writer wrote on regardless: the queue limit is far above these bodies.
                }
                case HttpClientEvent.Failed failed -> throw new AssertionError("failed: " + failed, failed.cause());
            }
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Waits up to 10 s for {@code condition}, checking as the loops run. */
    static void awaitCondition(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within 10 s: " + what);
            }
            // Polling a counter other threads change: park briefly between looks.
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
