package dev.spindle.metrics;

import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.io.Io;
import dev.spindle.io.TcpConnection;
import dev.spindle.io.TcpEvent;
import dev.spindle.io.TcpListener;
import dev.spindle.io.TcpOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

class TcpListenerMetricsTest {

    private ActorSystem system;
    private Io io;
    private TcpListener listener;
    private PrometheusMeterRegistry registry;
    private BoundMeters bound;

    @BeforeEach
    void start() throws Exception {
        system = ActorSystem.create("tcp-metrics");
        io = Io.create();
        listener = io.listen(new InetSocketAddress("127.0.0.1", 0), TcpOptions.defaults(), system.spawn(echo(), "echo"));
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        bound = SpindleMetrics.bind(registry, listener, "door");
    }

    @AfterEach
    void stop() {
        listener.close();
        io.close();
        system.close();
    }

    /** Echoes what every connection sends. */
    private static Behavior<TcpEvent> echo() {
        return (ctx, event) -> {
            switch (event) {
                case TcpEvent.Accepted(var from, TcpConnection connection) -> connection.register(ctx.self());
                case TcpEvent.Received(TcpConnection connection, byte[] data) -> connection.write(data);
                default -> {
                }
            }
            return Behavior.same();
        };
    }

    @Test
    void shouldScrapeConnectionsAndBytes() throws Exception {
        byte[] hello = new byte[1234];
        Arrays.fill(hello, (byte) 'h');
        try (Socket socket = new Socket("127.0.0.1", listener.localAddress().getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(hello);
            assertThat(socket.getInputStream().readNBytes(hello.length)).isEqualTo(hello);
            Eventually.await("the echo counted once flushed", () -> listener.stats().bytesWritten() == hello.length);
            assertThat(registry.scrape())
                    .contains("spindle_tcp_server_connections_open{listener=\"door\"} 1.0\n")
                    .contains("spindle_tcp_server_connections_accepted_total{listener=\"door\"} 1.0\n")
                    .contains("spindle_tcp_server_bytes_total{direction=\"read\",listener=\"door\"} 1234.0\n")
                    .contains("spindle_tcp_server_bytes_total{direction=\"written\",listener=\"door\"} 1234.0\n")
                    .contains("spindle_tcp_server_dropped_bytes_total{listener=\"door\"} 0.0\n");
        }
        Eventually.await("the close counted", () -> listener.stats().openConnections() == 0);
        assertThat(registry.scrape())
                .contains("spindle_tcp_server_connections_open{listener=\"door\"} 0.0\n")
                .contains("spindle_tcp_server_connections_accepted_total{listener=\"door\"} 1.0\n");
    }

    @Test
    void shouldCountConnectionsRefusedPastTheLimit() throws Exception {
        TcpListener small = io.listen(new InetSocketAddress("127.0.0.1", 0), TcpOptions.defaults().withMaxConnections(1),
                system.spawn(echo(), "small"));
        BoundMeters meters = SpindleMetrics.bind(registry, small, "small");
        try (Socket held = new Socket("127.0.0.1", small.localAddress().getPort())) {
            held.setSoTimeout(20_000);
            held.getOutputStream().write(1);
            assertThat(held.getInputStream().read()).isEqualTo(1);
            assertThat(registry.scrape()).contains("spindle_tcp_server_connections_refused_total{listener=\"small\"} 0.0\n");
            for (int i = 0; i < 2; i++) {
                try (Socket refused = new Socket()) {
                    refused.connect(small.localAddress(), 20_000);
                } catch (java.net.SocketException resetAsItConnected) {
                    // Refused all the same: the reset came before connect returned.
                }
            }
            Eventually.await("both refused", () -> small.stats().refused() == 2);
            assertThat(registry.scrape())
                    .contains("spindle_tcp_server_connections_refused_total{listener=\"small\"} 2.0\n")
                    .contains("spindle_tcp_server_connections_accepted_total{listener=\"small\"} 3.0\n")
                    .contains("spindle_tcp_server_connections_open{listener=\"small\"} 1.0\n");
        } finally {
            meters.close();
            small.close();
        }
    }

    @Test
    void shouldRemoveItsMetersWhenClosed() {
        assertThat(registry.find("spindle.tcp.server.bytes").functionCounters()).hasSize(2);
        bound.close();
        assertThat(registry.getMeters()).isEmpty();
        assertThat(registry.scrape()).doesNotContain("spindle_tcp");
    }

    @Test
    void shouldNotKeepAClosedListenerAlive() throws Exception {
        PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WeakReference<TcpListener> gone = bindAndClose(own);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (gone.get() != null) {
            assertThat(System.nanoTime() - deadline).as("the closed listener collected within 20 s").isNegative();
            System.gc();
            LockSupport.parkNanos(10_000_000);
        }
        assertThat(own.scrape()).contains("spindle_tcp_server_connections_open{listener=\"closed\"} NaN");
    }

    /** A listener bound to {@code registry}, connected to once and closed; nothing here holds it afterwards. */
    private WeakReference<TcpListener> bindAndClose(PrometheusMeterRegistry registry) throws Exception {
        TcpListener doomed = io.listen(new InetSocketAddress("127.0.0.1", 0), TcpOptions.defaults(),
                system.spawn(echo(), "doomed"));
        SpindleMetrics.bind(registry, doomed, "closed");
        try (Socket socket = new Socket("127.0.0.1", doomed.localAddress().getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(42);
            assertThat(socket.getInputStream().read()).isEqualTo(42);
        }
        Eventually.await("its connection closed", () -> doomed.stats().openConnections() == 0);
        doomed.close();
        return new WeakReference<>(doomed);
    }
}
