package dev.spindle.io.http;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.io.Io;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link HttpServer#observe}: what each ended answer tells, labels bounded by the router, and an observer that throws. */
class HttpServerObserverTest {

    record Told(String route, HttpMethod method, int status, long nanos) {
    }

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create();
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        ActorRef<HttpRequest> users = kit.spawn((Behavior<HttpRequest>) (ctx, request) -> {
            request.respond(200, "text/plain", "user " + request.pathParam("id"));
            return Behavior.same();
        });
        server = HttpServer.listen(io, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                HttpServerOptions.defaults(), Router.builder().get("/users/:id", users).build());
    }

    @AfterEach
    void stop() {
        server.close();
        io.close();
        kit.close();
    }

    /** One request on a connection of its own: {@return the answer's status} */
    private int send(String requestLine) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.localAddress().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((requestLine + "\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(answer.substring(9, 12));
        }
    }

    private static void awaitSize(ConcurrentLinkedQueue<?> queue, int size) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (queue.size() < size) {
            assertThat(System.nanoTime() - deadline).as("%d answers told within 10 s", size).isNegative();
            LockSupport.parkNanos(1_000_000);
        }
    }

    @Test
    void shouldTellTheRoutesPatternNeverThePathAndUnmatchedForTheRest() throws IOException {
        ConcurrentLinkedQueue<Told> told = new ConcurrentLinkedQueue<>();
        server.observe((route, method, status, nanos) -> told.add(new Told(route, method, status, nanos)));
        assertThat(send("GET /users/1 HTTP/1.1")).isEqualTo(200);
        assertThat(send("GET /users/" + "x".repeat(100) + " HTTP/1.1")).isEqualTo(200);
        assertThat(send("GET /no/such/path HTTP/1.1")).isEqualTo(404);
        assertThat(send("POST /users/1 HTTP/1.1")).isEqualTo(405);
        assertThat(send("GET /users/1 HTTP/9.9")).isEqualTo(505);
        awaitSize(told, 5);
        List<Told> all = List.copyOf(told);
        assertThat(all).extracting(Told::route, Told::method, Told::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("/users/:id", HttpMethod.GET, 200),
                org.assertj.core.groups.Tuple.tuple("/users/:id", HttpMethod.GET, 200),
                org.assertj.core.groups.Tuple.tuple(HttpServerObserver.UNMATCHED, HttpMethod.GET, 404),
                org.assertj.core.groups.Tuple.tuple(HttpServerObserver.UNMATCHED, HttpMethod.POST, 405),
                org.assertj.core.groups.Tuple.tuple(HttpServerObserver.UNMATCHED, HttpMethod.OTHER, 505));
        assertThat(all).allSatisfy(t -> assertThat(t.nanos()).isPositive());
    }

    @Test
    void shouldDropAnObserverThatThrowsAndAnswerAllTheSame() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        server.observe((route, method, status, nanos) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("a broken metrics hook");
        });
        assertThat(send("GET /users/1 HTTP/1.1")).isEqualTo(200);
        assertThat(send("GET /users/2 HTTP/1.1")).isEqualTo(200);
        assertThat(calls).hasValue(1);
        assertThat(io.loopFailures()).isZero();
    }

    @Test
    void shouldTellNothingOnceTheObserverIsRemoved() throws IOException {
        ConcurrentLinkedQueue<Told> told = new ConcurrentLinkedQueue<>();
        server.observe((route, method, status, nanos) -> told.add(new Told(route, method, status, nanos)));
        assertThat(send("GET /users/1 HTTP/1.1")).isEqualTo(200);
        awaitSize(told, 1);
        server.observe(null);
        assertThat(send("GET /users/2 HTTP/1.1")).isEqualTo(200);
        assertThat(send("GET /users/3 HTTP/1.1")).isEqualTo(200);
        assertThat(told).hasSize(1);
    }
}
