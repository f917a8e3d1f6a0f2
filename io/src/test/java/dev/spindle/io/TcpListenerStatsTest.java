package dev.spindle.io;

import dev.spindle.actors.Behavior;
import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.actors.testkit.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Random;
import java.util.function.Predicate;

import static dev.spindle.io.TcpTest.accepted;
import static dev.spindle.io.TcpTest.connect;
import static dev.spindle.io.TcpTest.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link TcpListener#stats()} over real sockets: what its connections did, added up exactly. */
class TcpListenerStatsTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final Duration WAIT = TestProbe.DEFAULT_WAIT;

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create(IoConfig.defaults().withLoops(2));

    @AfterEach
    void close() {
        io.close();
        kit.close();
    }

    @Test
    void shouldStartAtZero() throws Exception {
        TcpListener listener = io.listen(ANY_PORT, TcpOptions.defaults(), kit.spawn(echo()));
        assertThat(listener.stats()).isEqualTo(new TcpListenerStats(0, 0, 0, 0, 0, 0));
    }

    @Test
    void shouldCountConnectionsAndTheirBytesExactly() throws Exception {
        shouldCountConnectionsAndTheirBytesExactly(TcpOptions.defaults());
    }

    @Test
    void shouldCountTheBytesOfPooledReadsToo() throws Exception {
        shouldCountConnectionsAndTheirBytesExactly(TcpOptions.defaults().withPooledReads(true));
    }

    private void shouldCountConnectionsAndTheirBytesExactly(TcpOptions options) throws Exception {
        TcpListener listener = io.listen(ANY_PORT, options, kit.spawn(echo()));
        Random random = new Random(17);
        int[] sizes = {1, 1_000, 200_000};
        Socket[] sockets = new Socket[sizes.length];
        long sent = 0;
        for (int i = 0; i < sizes.length; i++) {
            sockets[i] = connect(listener);
            byte[] payload = randomBytes(random, sizes[i]);
            sockets[i].getOutputStream().write(payload);
            assertThat(sockets[i].getInputStream().readNBytes(sizes[i])).isEqualTo(payload);
            sent += sizes[i];
        }
        long echoed = sent;
        assertThat(await(listener, s -> s.bytesWritten() == echoed)).isEqualTo(new TcpListenerStats(3, 3, 0, sent, sent, 0));

        sockets[0].close();
        assertThat(await(listener, s -> s.openConnections() == 2)).as("a close counted; what it did stays")
                .isEqualTo(new TcpListenerStats(2, 3, 0, sent, sent, 0));

        listener.close();
        sockets[1].getOutputStream().write(7);
        assertThat(sockets[1].getInputStream().read()).as("served after its listener closed").isEqualTo(7);
        sockets[1].close();
        sockets[2].close();
        assertThat(await(listener, s -> s.openConnections() == 0 && s.bytesWritten() == echoed + 1))
                .as("still counted after the listener closed").isEqualTo(new TcpListenerStats(0, 3, 0, sent + 1, sent + 1, 0));
    }

    @Test
    void shouldCountBytesWrittenAfterAConnectionClosedAsDropped() throws Exception {
        TestProbe<TcpEvent> owner = kit.createProbe();
        TcpListener listener = io.listen(ANY_PORT, TcpOptions.defaults(), owner.ref());
        try (Socket socket = connect(listener)) {
            TcpConnection connection = accepted(owner);
            connection.register(owner.ref());
            connection.abort();
            owner.expectMessageClass(TcpEvent.Closed.class);
            assertThatThrownBy(() -> socket.getInputStream().read()).as("reset").isInstanceOf(SocketException.class);
            assertThat(connection.write(new byte[100])).isFalse();
            assertThat(connection.write(new byte[23])).isFalse();
            assertThat(listener.stats()).isEqualTo(new TcpListenerStats(0, 1, 0, 0, 0, 123));
        }
    }

    @Test
    void shouldNotCountTheConnectionsOfClients() throws Exception {
        TestProbe<TcpEvent> owner = kit.createProbe();
        TcpListener listener = io.listen(ANY_PORT, TcpOptions.defaults(), owner.ref());
        TestProbe<TcpEvent> client = kit.createProbe();
        io.connect(listener.localAddress(), TcpOptions.defaults(), client.ref());
        TcpConnection outgoing = client.expectMessageClass(TcpEvent.Connected.class).connection();
        TcpConnection incoming = accepted(owner);
        incoming.register(owner.ref());
        outgoing.write(new byte[10]);
        assertThat(TcpTest.receiveBytes(owner, 10)).hasSize(10);
        outgoing.close();
        owner.expectMessageClass(TcpEvent.PeerClosed.class);
        owner.expectMessageClass(TcpEvent.Closed.class);
        assertThat(outgoing.write(new byte[5])).isFalse();
        assertThat(listener.stats()).as("the accepted side only: 10 bytes read, the client's drop not counted")
                .isEqualTo(new TcpListenerStats(0, 1, 0, 10, 0, 0));
    }

    /** A server echoing every connection, its reads copied ({@link TcpEvent.Received}) or lent ({@link TcpEvent.Data}). */
    private static Behavior<TcpEvent> echo() {
        return (ctx, event) -> {
            switch (event) {
                case TcpEvent.Accepted(TcpListener listener, TcpConnection connection) -> connection.register(ctx.self());
                case TcpEvent.Data data -> data.connection().write(data);
                case TcpEvent.Received(TcpConnection connection, byte[] data) -> connection.write(data);
                default -> {
                }
            }
            return Behavior.same();
        };
    }

    /** {@return the listener's stats once {@code until} holds} Bytes written are added after the kernel took them, so a peer may read them first. */
    private static TcpListenerStats await(TcpListener listener, Predicate<TcpListenerStats> until) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        TcpListenerStats stats;
        while (!until.test(stats = listener.stats())) {
            assertThat(System.nanoTime() - deadline).as("waiting, at %s", stats).isNegative();
            Thread.onSpinWait();
        }
        return stats;
    }
}
