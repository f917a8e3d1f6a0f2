package dev.spindle.samples.chat;

import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.io.Io;
import dev.spindle.io.TcpConnection;
import dev.spindle.io.TcpEvent;
import dev.spindle.io.TcpListener;
import dev.spindle.io.TcpOptions;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat worker's {@code /metrics} and {@code /health} in this JVM, on a server of their own:
 * the scrape's text, and {@code /health} answering 503 to a client still connected once the
 * worker drains ({@link HttpServer#shutdown}, as a rolling restart or Ctrl-C does).
 */
@Timeout(60)
class ObservabilityTest {

    private ActorSystem system;
    private Io io;
    private HttpServer server;
    private Observability observability;

    @BeforeEach
    void start() throws IOException {
        system = ActorSystem.create("observed");
        io = Io.create();
        observability = new Observability(system, io, 7);
        server = HttpServer.listen(io, new InetSocketAddress("127.0.0.1", 0), HttpServerOptions.defaults(),
                observability.routes(Router.builder(), system).build());
        observability.bindServer(server);
    }

    @AfterEach
    void stop() {
        server.close();
        io.close();
        system.close();
    }

    @Test
    void shouldServeAPrometheusScrapeOfTheWorkersMeters() throws IOException {
        try (Socket socket = connect()) {
            assertThat(exchange(socket, "/health")).startsWith("HTTP/1.1 200").endsWith("serving\n");
            String scrape = exchange(socket, "/metrics");
            assertThat(scrape).startsWith("HTTP/1.1 200")
                    .contains("Content-Type: " + Observability.PROMETHEUS_TEXT)
                    .contains("spindle_actors_alive{system=\"observed\",worker=\"7\"} 2")
                    .contains("spindle_http_server_requests_seconds_count{method=\"GET\",route=\"/health\","
                            + "server=\"chat\",status=\"200\",worker=\"7\"} 1")
                    .contains("spindle_http_server_connections_open{server=\"chat\",worker=\"7\"} 1")
                    .contains("spindle_io_loop_takeovers_total{worker=\"7\"} 0");
        }
    }

    @Test
    void shouldScrapeTheTcpDoorsConnectionsAndBytes() throws Exception {
        TcpListener door = io.listen(new InetSocketAddress("127.0.0.1", 0), TcpOptions.defaults(),
                system.spawn(greeter(), "door"));
        observability.bindDoor(door);
        try (Socket member = new Socket("127.0.0.1", door.localAddress().getPort()); Socket socket = connect()) {
            member.setSoTimeout(20_000);
            assertThat(member.getInputStream().readNBytes(6)).asString(StandardCharsets.US_ASCII).isEqualTo("hello\n");
            member.getOutputStream().write("ann\n".getBytes(StandardCharsets.US_ASCII));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (door.stats().bytesRead() < 4 || door.stats().bytesWritten() < 6) {
                assertThat(System.nanoTime() - deadline).as("counted: %s", door.stats()).isNegative();
                Thread.onSpinWait();
            }
            assertThat(exchange(socket, "/metrics"))
                    .contains("spindle_tcp_server_connections_open{listener=\"door\",worker=\"7\"} 1.0\n")
                    .contains("spindle_tcp_server_connections_accepted_total{listener=\"door\",worker=\"7\"} 1.0\n")
                    .contains("spindle_tcp_server_bytes_total{direction=\"read\",listener=\"door\",worker=\"7\"} 4.0\n")
                    .contains("spindle_tcp_server_bytes_total{direction=\"written\",listener=\"door\",worker=\"7\"} 6.0\n");
        } finally {
            door.close();
        }
    }

    /** Says hello to each connection and keeps it open, reading what it is sent. */
    private static Behavior<TcpEvent> greeter() {
        return (ctx, event) -> {
            if (event instanceof TcpEvent.Accepted(var listener, TcpConnection connection)) {
                connection.register(ctx.self());
                connection.write("hello\n".getBytes(StandardCharsets.US_ASCII));
            }
            return Behavior.same();
        };
    }

    @Test
    void shouldAnswer503WhileDraining() throws Exception {
        try (Socket socket = connect()) {
            assertThat(exchange(socket, "/health")).startsWith("HTTP/1.1 200");
            // What the chat worker does on Disconnect: mark draining, then shut the server down
            // gracefully. A client still connected asks again at once (within the second an idle
            // keep-alive connection is given during a shutdown).
            observability.draining();
            var drained = server.shutdown(Duration.ofSeconds(5)).toCompletableFuture();
            String answer = exchange(socket, "/health");
            assertThat(answer).startsWith("HTTP/1.1 503").contains("Connection: close").endsWith("draining\n");
            drained.get(10, TimeUnit.SECONDS);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.localAddress().getPort());
        socket.setSoTimeout(20_000);
        return socket;
    }

    /** One keep-alive request on {@code socket}: {@return the whole answer, head and body} (read by its Content-Length). */
    private static String exchange(Socket socket, String path) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the head: " + head);
            }
            head.write(b);
        }
        String headText = head.toString(StandardCharsets.ISO_8859_1);
        int length = Integer.parseInt(headText.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
        return headText + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
