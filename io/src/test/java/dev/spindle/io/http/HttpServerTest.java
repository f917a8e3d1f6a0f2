package dev.spindle.io.http;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP server over real sockets on 127.0.0.1, with actors answering. */
class HttpServerTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create(IoConfig.defaults().withLoops(2));

    @AfterEach
    void close() {
        io.close();
        kit.close();
    }

    /** A parsed answer. */
    record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Opened by a test: until then a request to {@code /blocked} holds its handler. */
    private final CountDownLatch gate = new CountDownLatch(1);
    /** One permit per {@code /blocked} request that reached its handler (and waits at the gate). */
    private final Semaphore entered = new Semaphore(0);
    /** One permit per answer to any route but {@code /blocked}, released after answering. */
    private final Semaphore answers = new Semaphore(0);

    /**
     * Answers {@code /hello}, echoes {@code /echo}, names {@code /users/:id}, and blocks on
     * {@code /blocked} until the test opens {@link #gate}.
     */
    Behavior<HttpRequest> app() {
        return (ctx, request) -> {
            String path = request.path();
            if (path.equals("/hello")) {
                request.respond(200, "text/plain", "Hello, World!");
            } else if (path.equals("/echo")) {
                request.response().status(201).header("X-Length", Integer.toString(request.bodyLength()))
                        .send(request.body());
            } else if (request.pathParam("id") != null) {
                request.respond(200, "text/plain", "user " + request.pathParam("id"));
            } else if (path.equals("/big")) {
                request.respond(200, "application/octet-stream", BIG);
            } else if (path.equals("/huge")) {
                request.respond(200, "application/octet-stream", new byte[32 << 20]);
            } else if (path.equals("/blocked")) {
                // Blocking in a handler parks this actor only.
                entered.release();
                gate.await();
                request.respond(200, "text/plain", "unblocked");
                return Behavior.same();
            } else {
                request.respond(500);
            }
            answers.release();
            return Behavior.same();
        };
    }

    /** The body of {@code /big}: a megabyte. */
    private static final byte[] BIG = new byte[1 << 20];

    /** Waits until the app has answered {@code count} requests other than {@code /blocked}. */
    private void awaitAnswers(int count) throws InterruptedException {
        assertThat(answers.tryAcquire(count, 10, TimeUnit.SECONDS)).as("%d answers within 10 s", count).isTrue();
    }

    HttpServer start(HttpServerOptions options) throws IOException {
        ActorRef<HttpRequest> hello = kit.spawn(app());
        ActorRef<HttpRequest> slow = kit.spawn(app());
        Router router = Router.builder()
                .get("/hello", hello)
                .post("/echo", hello)
                .get("/users/:id", hello)
                .get("/big", hello)
                .get("/huge", hello)
                .get("/blocked", slow)
                .build();
        return HttpServer.listen(io, ANY_PORT, options, router);
    }

    @Test
    void shouldAnswerKeepAliveRequestsOnOneConnection() throws Exception {
        HttpServer server = start(HttpServerOptions.defaults());
        try (Client client = new Client(server)) {
            for (int i = 0; i < 3; i++) {
                client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                Answer answer = client.read();
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.body()).isEqualTo("Hello, World!");
                assertThat(answer.header("Content-Type")).isEqualTo("text/plain");
                assertThat(answer.header("Date")).endsWith("GMT");
                assertThat(answer.header("Connection")).isNull();
            }
            client.send("GET /users/42 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.read().body()).isEqualTo("user 42");
        }
    }

    @Test
    void shouldAnswerPipelinedRequestsInOrderEvenWhenTheFirstIsSlowest() throws Exception {
        HttpServer server = start(HttpServerOptions.defaults());
        try (Client client = new Client(server)) {
            client.send("GET /blocked HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
                    + "GET /users/7 HTTP/1.1\r\nHost: x\r\n\r\n");
            // The three later requests are answered first; only then does the first one finish.
            awaitAnswers(3);
            gate.countDown();
            assertThat(client.read().body()).isEqualTo("unblocked");
            assertThat(client.read().body()).isEqualTo("Hello, World!");
            Answer echo = client.read();
            assertThat(echo.status()).isEqualTo(201);
            assertThat(echo.body()).isEqualTo("hello world");
            assertThat(echo.header("X-Length")).isEqualTo("11");
            assertThat(client.read().body()).isEqualTo("user 7");
        }
    }

    @Test
    void shouldKeepServingOthersWhileAHandlerBlocks() throws Exception {
        HttpServer server = start(HttpServerOptions.defaults());
        try (Client slow = new Client(server); Client fast = new Client(server)) {
            slow.send("GET /blocked HTTP/1.1\r\nHost: x\r\n\r\n");
            for (int i = 0; i < 20; i++) {
                fast.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(fast.read().status()).isEqualTo(200);
            }
            gate.countDown();
            assertThat(slow.read().body()).isEqualTo("unblocked");
        }
    }

    @Test
    void shouldRunRouteActorsOnTheLoopAndMoveTheLoopWhenOneBlocksThere() throws Exception {
        // One loop: the blocked handler and the fast one share it.
        try (Io single = Io.create(IoConfig.defaults().withLoops(1))) {
            Queue<Thread> helloThreads = new ConcurrentLinkedQueue<>();
            ActorRef<HttpRequest> hello = kit.spawn((ctx, request) -> {
                helloThreads.add(Thread.currentThread());
                request.respond(200, "text/plain", "Hello, World!");
                return Behavior.same();
            });
            ActorRef<HttpRequest> slow = kit.spawn(app());
            HttpServer server = HttpServer.listen(single, ANY_PORT, HttpServerOptions.defaults(),
                    Router.builder().get("/hello", hello).get("/blocked", slow).build());
            try (Client slowClient = new Client(server); Client fast = new Client(server)) {
                fast.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(fast.read().status()).isEqualTo(200);
                Thread loop = helloThreads.poll();
                assertThat(loop.isVirtual()).as("the route actor's turn ran on the loop").isFalse();

                slowClient.send("GET /blocked HTTP/1.1\r\nHost: x\r\n\r\n");
                for (int i = 0; i < 20; i++) {
                    fast.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertThat(fast.read().status()).isEqualTo(200);
                }
                gate.countDown();
                assertThat(slowClient.read().body()).isEqualTo("unblocked");
                // The loop went on on another platform thread while the old one was stuck, and
                // hosts the fast route there (a request waiting behind the stuck turn when the
                // loop moved may have run on a virtual thread instead).
                assertThat(helloThreads).anySatisfy(t -> assertThat(t.isVirtual() || t == loop).isFalse());
            }
        }
    }

    @Test
    void shouldAnswerHeadWithoutABodyAnd404And405ByTheRouter() throws Exception {
        HttpServer server = start(HttpServerOptions.defaults());
        try (Client client = new Client(server)) {
            client.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            Answer head = client.readHead();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Content-Length")).isEqualTo("13");
            client.send("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(404);
            client.send("DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(405);
            // Still open after router errors.
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(200);
        }
    }

    @Test
    void shouldAnswerForARouteActorThatFailsDoesNotHandleOrHasStopped() throws Exception {
        // A request its actor never answers must not leave the client waiting for ever.
        ActorRef<HttpRequest> flaky = kit.spawn((ctx, request) -> switch (request.path()) {
            case "/unhandled" -> Behavior.unhandled();
            case "/boom" -> {
                request.response().header("X-Half", "done"); // dropped with the failed answer
                throw new IllegalStateException("planned failure");
            }
            case "/stop" -> {
                request.respond(200, "text/plain", "stopping");
                yield Behavior.stopped();
            }
            default -> {
                request.respond(200, "text/plain", "fine");
                yield Behavior.same();
            }
        });
        HttpServer server = HttpServer.listen(io, ANY_PORT, HttpServerOptions.defaults(),
                Router.builder().any("/*", flaky).build());
        try (Client client = new Client(server)) {
            client.send("GET /unhandled HTTP/1.1\r\nHost: x\r\n\r\n");
            Answer unhandled = client.read();
            assertThat(unhandled.status()).isEqualTo(500);
            assertThat(unhandled.body()).contains("did not handle it");
            client.send("GET /fine HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.read().body()).isEqualTo("fine");
            client.send("GET /stop HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.read().body()).isEqualTo("stopping");
            // Stopped: the next requests become dead letters, each answered 503 on the same connection.
            for (int i = 0; i < 3; i++) {
                client.send("GET /fine HTTP/1.1\r\nHost: x\r\n\r\n");
                Answer stopped = client.read();
                assertThat(stopped.status()).isEqualTo(503);
                assertThat(stopped.body()).contains("has stopped");
            }
        }
        ActorRef<HttpRequest> failing = kit.spawn((ctx, request) -> {
            request.response().header("X-Half", "done");
            throw new IllegalStateException("planned failure");
        });
        HttpServer second = HttpServer.listen(io, ANY_PORT, HttpServerOptions.defaults(),
                Router.builder().any("/*", failing).build());
        try (Client client = new Client(second)) {
            client.send("GET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
            Answer failed = client.read();
            assertThat(failed.status()).isEqualTo(500);
            assertThat(failed.body()).contains("failed");
            assertThat(failed.header("X-Half")).as("what the failed handler had set is not sent").isNull();
            // Without supervision the actor stopped on that failure.
            client.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(503);
        }
    }

    @Test
    void shouldShutDownGracefullyAnsweringWhatWasAskedAndClosingIdleConnections() throws Exception {
        HttpServer server = start(HttpServerOptions.defaults());
        try (Client busy = new Client(server); Client idle = new Client(server); Client pipelining = new Client(server)) {
            idle.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(idle.read().status()).isEqualTo(200);
            awaitAnswers(1);
            busy.send("GET /blocked HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(entered.tryAcquire(10, TimeUnit.SECONDS)).as("busy's request reached its handler").isTrue();
            pipelining.send("GET /blocked HTTP/1.1\r\nHost: x\r\n\r\nGET /users/9 HTTP/1.1\r\nHost: x\r\n\r\n");
            awaitAnswers(1); // the pipelined /users/9 is answered (waits behind the blocked one): both are in flight

            CompletableFuture<Void> done = server.shutdown(Duration.ofSeconds(10)).toCompletableFuture();
            assertThat(idle.in.read()).as("the idle keep-alive connection is closed").isEqualTo(-1);
            assertThat(done).isNotDone();
            try (Socket late = new Socket()) {
                late.connect(server.localAddress(), 5_000);
                late.setSoTimeout(10_000);
                assertThat(late.getInputStream().read()).as("no new connection is served").isEqualTo(-1);
            } catch (java.net.SocketException refused) {
                // refused outright: as good
            }

            gate.countDown();
            Answer first = busy.read();
            assertThat(first.body()).isEqualTo("unblocked");
            assertThat(first.header("Connection")).isEqualTo("close");
            assertThat(busy.in.read()).isEqualTo(-1);
            assertThat(pipelining.read().body()).isEqualTo("unblocked");
            Answer last = pipelining.read();
            assertThat(last.body()).isEqualTo("user 9");
            assertThat(last.header("Connection")).as("the last answer tells the client to reconnect").isEqualTo("close");
            assertThat(pipelining.in.read()).isEqualTo(-1);
            done.get(10, TimeUnit.SECONDS);
            assertThat(server.openConnections()).isZero();
        }
    }

    @Test
    void shouldAnswerARequestThatReachesAnIdleConnectionJustAfterTheShutdownBegan() throws Exception {
        HttpServer server = start(HttpServerOptions.defaults());
        try (Client early = new Client(server); Client fresh = new Client(server)) {
            early.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(early.read().status()).isEqualTo(200);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.openConnections() < 2) {
                assertThat(System.nanoTime() - deadline).as("both accepted within 10 s").isNegative();
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            CompletableFuture<Void> done = server.shutdown(Duration.ofSeconds(10)).toCompletableFuture();
            // A busy client's next request, and a new connection's first, on their way as the shutdown begins.
            early.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            fresh.send("GET /users/3 HTTP/1.1\r\nHost: x\r\n\r\n");
            Answer again = early.read();
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.header("Connection")).isEqualTo("close");
            Answer first = fresh.read();
            assertThat(first.body()).isEqualTo("user 3");
            assertThat(first.header("Connection")).isEqualTo("close");
            done.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldCloseWhatIsLeftWhenTheGraceEnds() throws Exception {
        HttpServer server = start(HttpServerOptions.defaults());
        try (Client busy = new Client(server)) {
            busy.send("GET /blocked HTTP/1.1\r\nHost: x\r\n\r\n");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.openConnections() < 1) {
                assertThat(System.nanoTime() - deadline).as("accepted within 10 s").isNegative();
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            CompletableFuture<Void> done = server.shutdown(Duration.ofMillis(200)).toCompletableFuture();
            done.get(10, TimeUnit.SECONDS);
            assertThat(busy.in.read()).isEqualTo(-1);
        } finally {
            gate.countDown();
        }
    }

    @Test
    void shouldServeAChannelItIsGivenAlreadyListening() throws Exception {
        // as a supervisor's socket (systemd, inetd) or a cluster's shared one would come
        java.nio.channels.ServerSocketChannel channel = java.nio.channels.ServerSocketChannel.open();
        channel.bind(ANY_PORT);
        HttpServer server = HttpServer.listen(io, channel, HttpServerOptions.defaults(),
                Router.builder().get("/hello", kit.spawn(app())).build());
        assertThat(server.localAddress()).isEqualTo(channel.getLocalAddress());
        try (Client client = new Client(server)) {
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.read().body()).isEqualTo("Hello, World!");
        }
        java.nio.channels.ServerSocketChannel unbound = java.nio.channels.ServerSocketChannel.open();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpServer.listen(io, unbound,
                    HttpServerOptions.defaults(), Router.builder().build())).isInstanceOf(IllegalArgumentException.class);
        } finally {
            unbound.close();
        }
    }

    @Test
    void shouldSendContinueBeforeTheBody() throws Exception {
        HttpServer server = start(HttpServerOptions.defaults());
        try (Client client = new Client(server)) {
            client.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
            assertThat(client.readHead().status()).isEqualTo(100);
            client.send("ping");
            assertThat(client.read().body()).isEqualTo("ping");
        }
    }

    @Test
    void shouldSendAContinueThatWaitedForTheAnswersBeforeIt() throws Exception {
        // A 100 between two answers would corrupt the stream, so it waits; but it must then go out:
        // the client does not send its body before it.
        HttpServer server = start(HttpServerOptions.defaults());
        try (Client client = new Client(server)) {
            client.send("GET /blocked HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
            assertThat(entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            client.expectNothingWithin(Duration.ofMillis(200)); // no 100 before the first answer
            gate.countDown();
            assertThat(client.read().body()).isEqualTo("unblocked");
            assertThat(client.readHead().status()).isEqualTo(100);
            client.send("ping");
            assertThat(client.read().body()).isEqualTo("ping");
        }
    }

    @Test
    void shouldCloseAfterAnAnswerToConnectionClose() throws Exception {
        HttpServer server = start(HttpServerOptions.defaults());
        try (Client client = new Client(server)) {
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            Answer answer = client.read();
            assertThat(answer.header("Connection")).isEqualTo("close");
            assertThat(client.in.read()).as("nothing after the closing answer").isEqualTo(-1);
        }
    }

    @Test
    void shouldAnswerMalformedRequestsWithTheirStatusAndCloseWhileServingOthers() throws Exception {
        HttpServer server = start(HttpServerOptions.defaults().withMaxHeadSize(1024).withMaxBodySize(100));
        Map<String, Integer> cases = new LinkedHashMap<>();
        cases.put("GET / HTTP/1.1\nHost: x\r\n\r\n", 400);
        cases.put("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400);
        cases.put("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
        cases.put("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400);
        cases.put("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", 400);
        cases.put("GET / HTTP/1.1\r\nHost: x\r\nX: " + "a".repeat(2000) + "\r\n\r\n", 431);
        cases.put("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n", 413);
        cases.put("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505);
        try (Client bystander = new Client(server)) {
            for (Map.Entry<String, Integer> bad : cases.entrySet()) {
                try (Client client = new Client(server)) {
                    client.send(bad.getKey());
                    Answer answer = client.read();
                    assertThat(answer.status()).as(bad.getKey()).isEqualTo(bad.getValue());
                    assertThat(answer.header("Connection")).isEqualTo("close");
                    assertThat(client.in.read()).isEqualTo(-1);
                }
                bystander.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(bystander.read().status()).isEqualTo(200);
            }
        }
    }

    @Test
    void shouldAnswerEarlierPipelinedRequestsBeforeTheErrorOfALaterOne() throws Exception {
        HttpServer server = start(HttpServerOptions.defaults());
        try (Client client = new Client(server)) {
            client.send("GET /blocked HTTP/1.1\r\nHost: x\r\n\r\nGET /x HTTP/1.1\r\n\r\n");
            // The 400 is owed after the blocked answer: nothing may come out before the gate opens.
            client.expectNothingWithin(Duration.ofMillis(200));
            gate.countDown();
            assertThat(client.read().body()).isEqualTo("unblocked");
            assertThat(client.read().status()).isEqualTo(400);
            assertThat(client.in.read()).isEqualTo(-1);
        }
    }

    @Test
    void shouldTimeOutASlowHeadWith408() throws Exception {
        HttpServer server = start(HttpServerOptions.defaults().withHeadTimeout(Duration.ofMillis(300)));
        try (Client slowloris = new Client(server); Client other = new Client(server)) {
            slowloris.send("GET /hello HTTP/1.1\r\nHost: x\r\nX-1: a\r\n");
            other.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(other.read().status()).isEqualTo(200);
            assertThat(slowloris.read().status()).isEqualTo(408);
            assertThat(slowloris.in.read()).isEqualTo(-1);
        }
    }

    @Test
    void shouldTimeOutABodyThatStopsArrivingWith408() throws Exception {
        HttpServer server = start(HttpServerOptions.defaults().withBodyTimeout(Duration.ofMillis(300)));
        try (Client declared = new Client(server); Client chunked = new Client(server); Client other = new Client(server)) {
            declared.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\nthe start");
            chunked.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\nthe start");
            other.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(other.read().status()).isEqualTo(200);
            assertThat(declared.read().status()).isEqualTo(408);
            assertThat(declared.in.read()).isEqualTo(-1);
            assertThat(chunked.read().status()).isEqualTo(408);
            assertThat(chunked.in.read()).isEqualTo(-1);
        }
        HttpClientTest.awaitCondition(() -> server.stats().timedOut() == 2, "two timeouts counted");
    }

    @Test
    void shouldTimeOutABodyDrippedTooSlowlyToArriveWithinTheBodyTimeout() throws Exception {
        // A byte every 20 ms keeps the connection busy but would take 6 hours for the declared megabyte.
        HttpServer server = start(HttpServerOptions.defaults().withBodyTimeout(Duration.ofMillis(500)));
        try (Client dripping = new Client(server)) {
            dripping.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n");
            Thread dripper = Thread.ofVirtual().start(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        dripping.out.write('x');
                        dripping.out.flush();
                        // Pacing a client, not waiting for a condition.
                        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                    }
                } catch (IOException closedByTheServer) {
                    // The end this test expects.
                }
            });
            try {
                assertThat(dripping.read().status()).isEqualTo(408);
            } finally {
                dripper.interrupt();
            }
        }
    }

    @Test
    void shouldCloseAConnectionWhoseClientDoesNotReadItsAnswersWithinTheIdleTimeout() throws Exception {
        HttpServer server = start(HttpServerOptions.defaults().withIdleTimeout(Duration.ofMillis(300)));
        try (Socket reader = new Socket()) {
            reader.setReceiveBufferSize(4096);
            reader.connect(server.localAddress(), 5_000);
            HttpClientTest.awaitCondition(() -> server.openConnections() == 1, "the connection accepted");
            // 32 MiB of answers asked for and none read: far more than the kernel's buffers hold.
            reader.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".repeat(32).getBytes(StandardCharsets.US_ASCII));
            reader.getOutputStream().flush();
            HttpClientTest.awaitCondition(() -> server.openConnections() == 0, "the connection that does not read closed");
        }
        assertThat(server.stats().unreadClosed()).isEqualTo(1);
        try (Client other = new Client(server)) {
            other.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(other.read().status()).isEqualTo(200);
        }
    }

    @Test
    void shouldNotCutADownloadThatIsReadSlowerThanTheIdleTimeoutButRead() throws Exception {
        // The answer's request is done (nothing in flight) while most of its 32 MiB wait to go out
        // (more than the kernel's buffers hold): that is no idle connection, and a reader that
        // keeps reading is no stalled one.
        HttpServer server = start(HttpServerOptions.defaults().withIdleTimeout(Duration.ofMillis(300)));
        try (Socket reader = new Socket()) {
            reader.setReceiveBufferSize(8192);
            reader.connect(server.localAddress(), 5_000);
            reader.setSoTimeout(10_000);
            reader.getOutputStream().write("GET /huge HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = reader.getInputStream();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            long got = 0;
            byte[] sink = new byte[4096];
            while (System.nanoTime() < deadline) {
                int n = in.read(sink);
                assertThat(n).as("still answering after %d bytes", got).isPositive();
                got += n;
                // Reading slowly on purpose: ~40 KB/s, so the answer takes far longer than the idle timeout.
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            assertThat(got).isLessThan(1 << 20);
        }
        assertThat(server.stats().idleClosed()).isZero();
        assertThat(server.stats().unreadClosed()).isZero();
    }

    @Test
    void shouldCountWhatItServedRefusedAndClosed() throws Exception {
        // An idle timeout long enough that a busy machine cannot close a before the refused one connects.
        HttpServer server = start(HttpServerOptions.defaults().withMaxConnections(2).withIdleTimeout(Duration.ofSeconds(2)));
        try (Client a = new Client(server); Client b = new Client(server)) {
            a.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(a.read().status()).isEqualTo(200);
            assertThat(a.read().status()).isEqualTo(404);
            b.send("GET /hello HTTP/1.1\r\n\r\n");
            assertThat(b.read().status()).isEqualTo(400);
            try (Client refused = new Client(server)) {
                assertThat(refused.read().status()).isEqualTo(503);
            }
            assertThat(a.in.read()).as("closed when idle").isEqualTo(-1);
        }
        HttpClientTest.awaitCondition(() -> server.openConnections() == 0, "every connection closed");
        HttpServerStats stats = server.stats();
        assertThat(stats.accepted()).isEqualTo(3);
        assertThat(stats.refused()).isEqualTo(1);
        assertThat(stats.requests()).isEqualTo(2);
        assertThat(stats.rejected()).isEqualTo(1);
        assertThat(stats.idleClosed()).isEqualTo(1);
        assertThat(stats.timedOut()).isZero();
        assertThat(stats.unreadClosed()).isZero();
    }

    @Test
    void shouldCloseAnIdleKeepAliveConnection() throws Exception {
        HttpServer server = start(HttpServerOptions.defaults().withIdleTimeout(Duration.ofMillis(300)));
        try (Client client = new Client(server)) {
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(200);
            assertThat(client.in.read()).as("closed when idle").isEqualTo(-1);
        }
    }

    @Test
    void shouldRefuseConnectionsPastTheLimitWith503() throws Exception {
        HttpServer server = start(HttpServerOptions.defaults().withMaxConnections(2));
        try (Client a = new Client(server); Client b = new Client(server)) {
            a.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            b.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            a.read();
            b.read();
            try (Client refused = new Client(server)) {
                assertThat(refused.read().status()).isEqualTo(503);
            }
            a.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(a.read().status()).isEqualTo(200);
        }
    }

    @Test
    void shouldTellTheAcceptGateOfEveryConnectionItAcceptedAndOfEachEnd() throws Exception {
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger released = new java.util.concurrent.atomic.AtomicInteger();
        dev.spindle.io.AcceptGate counting = new dev.spindle.io.AcceptGate() {
            @Override
            public long admit() {
                return 0;
            }

            @Override
            public void accepted() {
                accepted.incrementAndGet();
            }

            @Override
            public void released() {
                released.incrementAndGet();
            }
        };
        HttpServer server = start(HttpServerOptions.defaults().withMaxConnections(1)
                .withTcp(dev.spindle.io.TcpOptions.defaults().withAcceptGate(counting)));
        try (Client a = new Client(server)) {
            a.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(a.read().status()).isEqualTo(200);
            try (Client refused = new Client(server)) {
                assertThat(refused.read().status()).isEqualTo(503);
            }
            awaitAtLeast(released, 1); // refused as it was set up: released at once
            assertThat(accepted.get()).isEqualTo(2);
        }
        awaitAtLeast(released, 2); // the client closed: the server's side closes too
        assertThat(released.get()).isEqualTo(2);
        assertThat(server.openConnections()).isZero();
    }

    private static void awaitAtLeast(java.util.concurrent.atomic.AtomicInteger counter, int expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counter.get() < expected) {
            assertThat(System.nanoTime() - deadline).as("waiting for %d, at %d", expected, counter.get()).isNegative();
            Thread.onSpinWait();
        }
    }

    @Test
    void shouldServeCurlWithKeepAliveAndAChunkedUpload() throws Exception {
        HttpServer server = start(HttpServerOptions.defaults());
        String base = "http://127.0.0.1:" + server.localAddress().getPort();
        Process get = new ProcessBuilder("curl", "-sS", "--http1.1", "-v", base + "/hello", base + "/users/9")
                .redirectErrorStream(true).start();
        String out = new String(get.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(get.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("Hello, World!").contains("user 9").contains("Re-using existing connection");

        Process post = new ProcessBuilder("curl", "-sS", "--http1.1", "-H", "Transfer-Encoding: chunked",
                "--data-binary", "@-", base + "/echo").redirectErrorStream(true).start();
        try (OutputStream stdin = post.getOutputStream()) {
            stdin.write("streamed body".getBytes(StandardCharsets.UTF_8));
        }
        String echoed = new String(post.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(post.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(echoed).isEqualTo("streamed body");
    }

    @Test
    void shouldServeManyConcurrentClients() throws Exception {
        HttpServer server = start(HttpServerOptions.defaults());
        int clients = 20;
        CountDownLatch done = new CountDownLatch(clients);
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int c = 0; c < clients; c++) {
            Thread.ofVirtual().start(() -> {
                try (Client client = new Client(server)) {
                    for (int i = 0; i < 50; i++) {
                        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /users/" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
                        assertThat(client.read().body()).isEqualTo("Hello, World!");
                        assertThat(client.read().body()).isEqualTo("user " + i);
                    }
                } catch (Throwable t) {
                    failures.add(t);
                } finally {
                    done.countDown();
                }
            });
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(failures).isEmpty();
    }

    /**
     * Deep pipelines, many times over: answers are published by actors while the loop writes and
     * recycles earlier ones. (wrk found a race here, the answering thread reading the request after
     * the loop had recycled it; this test exercises the path but did not reproduce it in 4,800 requests.)
     */
    @Test
    void shouldSurviveDeepPipelinesFromSeveralClients() throws Exception {
        HttpServer server = start(HttpServerOptions.defaults().withMaxPipelined(8));
        String sixteen = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".repeat(16);
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(4);
        for (int c = 0; c < 4; c++) {
            Thread.ofVirtual().start(() -> {
                try (Client client = new Client(server)) {
                    for (int round = 0; round < 300; round++) {
                        client.send(sixteen);
                        for (int i = 0; i < 16; i++) {
                            assertThat(client.read().body()).isEqualTo("Hello, World!");
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                } finally {
                    done.countDown();
                }
            });
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(failures).isEmpty();
    }

    /** Reads one CRLF-ended line (without it) from {@code in}; throws if the stream ends first. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed after " + line);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** A blocking test client: writes raw bytes, reads answers framed by Content-Length. */
    static final class Client implements AutoCloseable {
        final Socket socket = new Socket();
        final InputStream in;
        final OutputStream out;

        Client(HttpServer server) throws IOException {
            socket.connect(server.localAddress(), 5_000);
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        void send(String raw) throws IOException {
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        Answer readHead() throws IOException {
            String statusLine = line();
            assertThat(statusLine).startsWith("HTTP/1.1 ");
            int status = Integer.parseInt(statusLine.substring(9, 12));
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = line(); !line.isEmpty(); line = line()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            return new Answer(status, headers, "");
        }

        Answer read() throws IOException {
            Answer head = readHead();
            String length = head.header("Content-Length");
            byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
            return new Answer(head.status(), head.headers(), new String(body, StandardCharsets.UTF_8));
        }

        /** Asserts that no byte arrives within {@code within}. */
        void expectNothingWithin(Duration within) throws IOException {
            socket.setSoTimeout((int) within.toMillis());
            try {
                int b = in.read();
                throw new AssertionError("expected nothing yet, got byte " + b);
            } catch (java.net.SocketTimeoutException expected) {
                // Nothing came: as it should.
            } finally {
                socket.setSoTimeout(10_000);
            }
        }

        private String line() throws IOException {
            return readLine(in);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
