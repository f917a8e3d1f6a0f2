package dev.spindle.io;

import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.actors.testkit.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static dev.spindle.io.TcpTest.accepted;
import static dev.spindle.io.TcpTest.connect;
import static dev.spindle.io.TcpTest.receiveBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link TcpOptions#maxConnections()}: a listener holds at most that many connections and resets the rest, counted. */
class TcpListenerLimitTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final Duration WAIT = TestProbe.DEFAULT_WAIT;
    private static final int RESET = -2;

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create(IoConfig.defaults().withLoops(2));
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        io.close();
        kit.close();
    }

    @Test
    void shouldResetConnectionsPastTheLimitWithoutTellingTheOwnerAndServeTheOthers() throws Exception {
        TestProbe<TcpEvent> owner = kit.createProbe();
        TcpListener listener = io.listen(ANY_PORT, TcpOptions.defaults().withMaxConnections(3), owner.ref());
        List<TcpConnection> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sockets.add(connect(listener));
            held.add(accepted(owner));
            held.getLast().register(owner.ref());
        }

        assertThat(connectAndRead(listener)).as("the fourth reset at once").isEqualTo(RESET);
        assertThat(await(listener, s -> s.refused() == 1)).as("refused, counted among the accepted, not open")
                .isEqualTo(new TcpListenerStats(3, 4, 1, 0, 0, 0));

        for (int i = 0; i < 3; i++) {
            sockets.get(i).getOutputStream().write(i);
            assertThat(receiveBytes(owner, 1)).as("connection %d still read", i).containsExactly(i);
            held.get(i).write(new byte[] {(byte) (10 + i)});
            assertThat(sockets.get(i).getInputStream().read()).as("connection %d still written", i).isEqualTo(10 + i);
        }

        sockets.get(0).close();
        owner.expectMessageClass(TcpEvent.PeerClosed.class);
        owner.expectMessageClass(TcpEvent.Closed.class);
        await(listener, s -> s.openConnections() == 2);
        Socket fifth = connect(listener);
        sockets.add(fifth);
        TcpConnection admitted = accepted(owner);
        assertThat(admitted.remoteAddress()).as("the next Accepted is the fifth: the fourth never reached the owner")
                .isEqualTo(fifth.getLocalSocketAddress());
        admitted.write(new byte[] {42});
        assertThat(fifth.getInputStream().read()).as("a freed place taken").isEqualTo(42);
        assertThat(await(listener, s -> s.bytesWritten() == 4)).isEqualTo(new TcpListenerStats(3, 5, 1, 3, 4, 0));
    }

    @Test
    void shouldRefuseEveryConnectionPastTheLimitOfAFlood() throws Exception {
        TestProbe<TcpEvent> owner = kit.createProbe();
        TcpListener listener = io.listen(ANY_PORT, TcpOptions.defaults().withMaxConnections(2), owner.ref());
        for (int i = 0; i < 2; i++) {
            sockets.add(connect(listener));
            accepted(owner);
        }
        for (int i = 0; i < 300; i++) {
            assertThat(connectAndRead(listener)).as("connection %d past the limit", i).isEqualTo(RESET);
        }
        assertThat(await(listener, s -> s.refused() == 300)).isEqualTo(new TcpListenerStats(2, 302, 300, 0, 0, 0));
        owner.expectNoMessage(Duration.ofMillis(200));
    }

    @Test
    void shouldRejectALimitBelowOne() {
        assertThatThrownBy(() -> TcpOptions.defaults().withMaxConnections(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxConnections");
        assertThat(TcpOptions.defaults().maxConnections()).isEqualTo(10_000);
    }

    /**
     * {@return what the first read of a new connection to {@code listener} gives: a byte, -1 at
     * an orderly close, or {@link #RESET}} A reset may come as soon as the connect finishes.
     */
    private int connectAndRead(TcpListener listener) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        try {
            socket.connect(listener.localAddress(), 5_000);
            socket.setSoTimeout(10_000);
            return socket.getInputStream().read();
        } catch (SocketException reset) {
            return RESET;
        }
    }

    /** {@return the listener's stats once {@code until} holds} */
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
