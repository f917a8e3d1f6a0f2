package dev.spindle.metrics;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.io.Io;
import dev.spindle.io.http.HttpRequest;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class HttpServerMetricsTest {

    private ActorSystem system;
    private Io io;
    private HttpServer server;
    private PrometheusMeterRegistry registry;

    @BeforeEach
    void start() throws Exception {
        system = ActorSystem.create("http-metrics");
        io = Io.create();
        ActorRef<HttpRequest> messages = system.spawn((ctx, request) -> {
            request.respond(200, "text/plain", "room " + request.pathParam("room"));
            return Behavior.same();
        }, "messages");
        ActorRef<HttpRequest> teapot = system.spawn((ctx, request) -> {
            request.respond(418, "text/plain", "short and stout");
            return Behavior.same();
        }, "teapot");
        server = HttpServer.listen(io, new InetSocketAddress("127.0.0.1", 0),
                HttpServerOptions.defaults().withHeadTimeout(Duration.ofMillis(300)),
                Router.builder().get("/api/rooms/:room/messages", messages).post("/teapot", teapot).build());
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SpindleMetrics.bind(registry, server, "api");
        SpindleMetrics.bind(registry, io);
    }

    @AfterEach
    void stop() {
        server.close();
        io.close();
        system.close();
    }

    private int get(String path) throws Exception {
        return RawHttp.get(server.localAddress().getPort(), path);
    }

    private Timer timer(String route, String method, String status) {
        return registry.get("spindle.http.server.requests")
                .tags("server", "api", "route", route, "method", method, "status", status).timer();
    }

    @Test
    void shouldTimeRequestsByRoutePatternMethodAndStatus() throws Exception {
        for (String room : new String[] {"lobby", "kitchen", "garden"}) {
            assertThat(get("/api/rooms/" + room + "/messages")).isEqualTo(200);
        }
        int teapot = RawHttp.request(server.localAddress().getPort(), "POST", "/teapot", "tea");
        assertThat(teapot).isEqualTo(418);
        assertThat(get("/teapot")).isEqualTo(405);

        Eventually.await("five answers timed", () -> registry.find("spindle.http.server.requests").timers().stream()
                .mapToLong(Timer::count).sum() == 5);
        assertThat(timer("/api/rooms/:room/messages", "GET", "200").count()).isEqualTo(3);
        assertThat(timer("/api/rooms/:room/messages", "GET", "200").totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
                .isPositive();
        assertThat(timer("/teapot", "POST", "418").count()).isEqualTo(1);
        assertThat(timer("unmatched", "GET", "405").count()).isEqualTo(1);

        String scrape = registry.scrape();
        assertThat(scrape).contains("spindle_http_server_requests_seconds_count{method=\"GET\","
                + "route=\"/api/rooms/:room/messages\",server=\"api\",status=\"200\"} 3");
        assertThat(scrape).contains("spindle_http_server_requests_seconds_bucket{method=\"GET\","
                + "route=\"/api/rooms/:room/messages\",server=\"api\",status=\"200\",le=\"10.0\"} 3");
        assertThat(scrape).doesNotContain("lobby");
        assertThat(registry.get("spindle.http.server.connections.accepted").functionCounter().count()).isPositive();
    }

    @Test
    void shouldKeepRandomPathsOutOfTheLabels() throws Exception {
        assertThat(get("/api/rooms/lobby/messages")).isEqualTo(200);
        for (int i = 0; i < 300; i++) {
            assertThat(get("/" + UUID.randomUUID() + "/" + i)).isEqualTo(404);
        }
        Eventually.await("301 answers timed", () -> registry.find("spindle.http.server.requests").timers().stream()
                .mapToLong(Timer::count).sum() == 301);
        Set<String> routes = registry.find("spindle.http.server.requests").meters().stream()
                .map(meter -> meter.getId().getTag("route")).collect(Collectors.toSet());
        assertThat(routes).containsExactlyInAnyOrder("/api/rooms/:room/messages", "unmatched");
        assertThat(timer("unmatched", "GET", "404").count()).isEqualTo(300);
        assertThat(registry.find("spindle.http.server.requests").meters()).hasSize(2);
        assertThat(registry.scrape().lines().filter(line -> line.startsWith("spindle_http_server_requests")).count())
                .as("series stay bounded: 2 timers, each a count, a sum, a max and 13 buckets")
                .isLessThanOrEqualTo(2 * 16);
    }

    @Test
    void shouldCountBytesAndTimeoutsByKind() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", server.localAddress().getPort())) {
            OutputStream out = slow.getOutputStream();
            out.write("GET /api/rooms/lobby/messages HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = slow.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII); // the server closes after its 408
            assertThat(answer).startsWith("HTTP/1.1 408");
        }
        Eventually.await("the head timeout counted", () -> registry.get("spindle.http.server.timeouts")
                .tags("kind", "head").functionCounter().count() == 1);
        assertThat(registry.get("spindle.http.server.timeouts").tags("kind", "body").functionCounter().count()).isZero();
        assertThat(timer("unmatched", "OTHER", "408").count()).isEqualTo(1);
        Eventually.await("bytes counted once the connection closed", () -> registry.get("spindle.http.server.bytes")
                .tags("direction", "read").functionCounter().count() >= 40
                && registry.get("spindle.http.server.bytes").tags("direction", "written").functionCounter().count() > 0);
        assertThat(registry.scrape()).contains("spindle_http_server_bytes_total{direction=\"read\",server=\"api\"}");
    }

    @Test
    void shouldCountALoopTakenOverFromABlockingHandler() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ActorRef<HttpRequest> blocking = system.spawn((ctx, request) -> {
            // the handler under test blocks on the loop that hosts it, until the takeover is counted
            assertThat(release.await(30, TimeUnit.SECONDS)).as("released").isTrue();
            request.respond(200, "text/plain", "released");
            return Behavior.same();
        }, "blocking");
        try (HttpServer other = HttpServer.listen(io, new InetSocketAddress("127.0.0.1", 0), HttpServerOptions.defaults(),
                Router.builder().get("/block", blocking).build())) {
            CompletableFuture<Integer> status = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    status.complete(RawHttp.get(other.localAddress().getPort(), "/block"));
                } catch (Throwable e) {
                    status.completeExceptionally(e);
                }
            });
            Eventually.await("the takeover counted", () -> registry.get("spindle.io.loop.takeovers").functionCounter()
                    .count() >= 1);
            release.countDown();
            assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(200);
        }
        assertThat(registry.get("spindle.io.loop.failures").functionCounter().count()).isZero();
    }

    @Test
    void shouldNotKeepAClosedServerAlive() throws Exception {
        PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WeakReference<HttpServer> gone = bindAndClose(own);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (gone.get() != null) {
            assertThat(System.nanoTime() - deadline).as("the closed server collected within 20 s").isNegative();
            System.gc();
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
        assertThat(own.get("spindle.http.server.connections.open").gauge().value()).isNaN();
        assertThat(own.scrape()).contains("spindle_http_server_connections_open{server=\"closed\"} NaN");
    }

    /** A server bound to {@code registry}, served once and closed; nothing here holds it afterwards. */
    private WeakReference<HttpServer> bindAndClose(PrometheusMeterRegistry registry) throws Exception {
        ActorRef<HttpRequest> hello = system.spawn((ctx, request) -> {
            request.respond(200, "text/plain", "hello");
            return Behavior.same();
        }, "hello");
        HttpServer doomed = HttpServer.listen(io, new InetSocketAddress("127.0.0.1", 0), HttpServerOptions.defaults(),
                Router.builder().get("/hello", hello).build());
        SpindleMetrics.bind(registry, doomed, "closed");
        assertThat(RawHttp.get(doomed.localAddress().getPort(), "/hello")).isEqualTo(200);
        doomed.shutdown(Duration.ofSeconds(5)).toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        return new WeakReference<>(doomed);
    }

    @Test
    void shouldStopObservingWhenClosed() throws Exception {
        PrometheusMeterRegistry second = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        BoundMeters bound = SpindleMetrics.bind(second, server, "second");
        assertThat(get("/api/rooms/lobby/messages")).isEqualTo(200);
        Eventually.await("timed in the second registry", () -> second.find("spindle.http.server.requests").timers()
                .stream().mapToLong(Timer::count).sum() == 1);
        bound.close();
        assertThat(second.getMeters()).extracting(Meter::getId).isEmpty();
        assertThat(get("/api/rooms/lobby/messages")).isEqualTo(200);
        assertThat(second.getMeters()).isEmpty();
    }
}
