package dev.spindle.io;

import dev.spindle.actors.Behavior;
import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.actors.testkit.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TCP over real sockets on 127.0.0.1: every completion arrives as a message. */
class TcpTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final Duration WAIT = TestProbe.DEFAULT_WAIT;

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create(IoConfig.defaults().withLoops(2));

    @AfterEach
    void close() {
        io.close();
        kit.close();
    }

    /** An echo handler: what it receives it writes back; it stops when the connection closes. */
    static Behavior<TcpEvent> echo() {
        return (ctx, event) -> switch (event) {
            case TcpEvent.Received(TcpConnection connection, byte[] data) -> {
                connection.write(data);
                yield Behavior.same();
            }
            case TcpEvent.Closed closed -> Behavior.stopped();
            default -> Behavior.same();
        };
    }

    /** A server: each accepted connection gets an echo child of its own. */
    static Behavior<TcpEvent> echoServer() {
        return (ctx, event) -> {
            if (event instanceof TcpEvent.Accepted(TcpListener listener, TcpConnection connection)) {
                connection.register(ctx.spawnAnonymous(echo()));
            }
            return Behavior.same();
        };
    }

    @Test
    void shouldEchoBetweenAnActorServerAndAnActorClient() throws Exception {
        TcpListener listener = io.listen(ANY_PORT, TcpOptions.defaults(), kit.spawn(echoServer()));
        TestProbe<TcpEvent> client = kit.createProbe();
        io.connect(listener.localAddress(), TcpOptions.defaults(), client.ref());
        TcpConnection connection = client.expectMessageClass(TcpEvent.Connected.class).connection();

        byte[] payload = randomBytes(new Random(42), 300_000);
        for (int off = 0; off < payload.length; off += 10_000) {
            connection.write(Arrays.copyOfRange(payload, off, off + 10_000));
        }
        assertThat(receiveBytes(client, payload.length)).isEqualTo(payload);

        connection.close();
        assertThat(client.expectMessageClass(TcpEvent.Closed.class).cause()).isNull();
    }

    @Test
    void shouldListenOnAChannelItIsGiven() throws Exception {
        java.nio.channels.ServerSocketChannel channel = java.nio.channels.ServerSocketChannel.open();
        channel.bind(ANY_PORT);
        TcpListener listener = io.listen(channel, TcpOptions.defaults(), kit.spawn(echoServer()));
        try (Socket socket = connect(listener)) {
            socket.getOutputStream().write("again\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(socket.getInputStream().readNBytes(6)).asString(StandardCharsets.US_ASCII).isEqualTo("again\n");
        }
    }

    @Test
    void shouldAcceptOnlyWhenTheGateSaysSoAndTakeWhatIsQueuedOnClose() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicInteger asked = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        AtomicInteger released = new AtomicInteger();
        AcceptGate gate = new AcceptGate() {
            @Override
            public long admit() {
                asked.incrementAndGet();
                return open.get() ? 0 : Duration.ofMillis(5).toNanos();
            }

            @Override
            public void accepted() {
                accepted.incrementAndGet();
            }

            @Override
            public void released() {
                released.incrementAndGet();
            }

            @Override
            public void closed() {
                closed.incrementAndGet();
            }
        };
        TestProbe<TcpEvent> owner = kit.createProbe();
        TcpListener listener = io.listen(ANY_PORT, TcpOptions.defaults().withAcceptGate(gate), owner.ref());
        try (Socket first = connect(listener)) {
            // Held back: the gate is asked again and again (every 5 ms), and says no.
            owner.expectNoMessage(Duration.ofMillis(100));
            assertThat(asked.get()).isGreaterThan(2);
            assertThat(accepted.get()).isZero();

            open.set(true);
            TcpConnection firstConnection = owner.expectMessageClass(TcpEvent.Accepted.class).connection();
            assertThat(firstConnection.remoteAddress().getPort()).isEqualTo(first.getLocalPort());
            assertThat(accepted.get()).isEqualTo(1);
            assertThat(released.get()).isZero();
            firstConnection.close();
            awaitCount(released, 1); // its end is told too: a gate may count open connections

            open.set(false);
            try (Socket second = connect(listener)) {
                owner.expectNoMessage(Duration.ofMillis(50));
                // Closing takes what the kernel queued, gate or not: a client is answered, never reset.
                listener.close();
                List<TcpEvent> last = List.of(owner.receiveMessage(), owner.receiveMessage());
                assertThat(last).hasAtLeastOneElementOfType(TcpEvent.ListenerClosed.class)
                        .filteredOn(TcpEvent.Accepted.class::isInstance).singleElement()
                        .extracting(e -> ((TcpEvent.Accepted) e).connection().remoteAddress().getPort())
                        .isEqualTo(second.getLocalPort());
                assertThat(accepted.get()).isEqualTo(2);
                assertThat(closed.get()).isEqualTo(1);
                ((TcpEvent.Accepted) last.stream().filter(TcpEvent.Accepted.class::isInstance).findFirst().orElseThrow())
                        .connection().close();
                awaitCount(released, 2);
            }
        }
    }

    @Test
    void shouldServeAPlainSocketClient() throws Exception {
        TcpListener listener = io.listen(ANY_PORT, TcpOptions.defaults(), kit.spawn(echoServer()));
        try (Socket socket = connect(listener)) {
            socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(socket.getInputStream().readNBytes(6)).asString(StandardCharsets.US_ASCII).isEqualTo("hello\n");
            socket.shutdownOutput();
            // Not half-open by default: the server closes after our FIN.
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void shouldDeliverAcceptedConnectionsAndNotReadUntilRegistered() throws Exception {
        TestProbe<TcpEvent> owner = kit.createProbe();
        TcpListener listener = io.listen(ANY_PORT, TcpOptions.defaults(), owner.ref());
        try (Socket socket = connect(listener)) {
            socket.getOutputStream().write(new byte[] {1, 2, 3});
            TcpEvent.Accepted accepted = owner.expectMessageClass(TcpEvent.Accepted.class);
            assertThat(accepted.listener()).isSameAs(listener);
            assertThat(accepted.connection().remoteAddress().getPort()).isEqualTo(socket.getLocalPort());
            owner.expectNoMessage(Duration.ofMillis(100));

            TestProbe<TcpEvent> handler = kit.createProbe();
            accepted.connection().register(handler.ref());
            assertThat(receiveBytes(handler, 3)).containsExactly(1, 2, 3);
        }
        listener.close();
        owner.expectMessageClass(TcpEvent.ListenerClosed.class);
    }

    @Test
    void shouldSignalTheHighWaterMarkRefusePastTheLimitAndReportDrained() throws Exception {
        TestProbe<TcpEvent> owner = kit.createProbe();
        TcpOptions options = TcpOptions.defaults().withWriteLimits(16 * 1024, 64 * 1024, 256 * 1024);
        TcpListener listener = io.listen(ANY_PORT, options, owner.ref());
        try (Socket slowReader = new Socket()) {
            slowReader.setReceiveBufferSize(4096);
            slowReader.connect(listener.localAddress(), 5_000);
            TcpConnection connection = accepted(owner);
            connection.register(owner.ref());

            // The peer does not read: the kernel's buffers fill, then our queue.
            byte[] chunk = new byte[8 * 1024];
            long written = 0;
            int refusedAt = -1;
            boolean sawFalse = false;
            for (int i = 0; i < 10_000 && refusedAt < 0; i++) {
                try {
                    boolean below = connection.write(chunk);
                    written += chunk.length;
                    sawFalse |= !below;
                } catch (WriteQueueFullException full) {
                    refusedAt = i;
                }
            }
            assertThat(sawFalse).as("write returned false past the high-water mark").isTrue();
            assertThat(refusedAt).as("a write was refused at the limit").isPositive();
            assertThat(connection.queuedBytes()).isLessThanOrEqualTo(options.maxQueuedBytes());

            // Now read everything: the queue drains, the writer is told, and nothing was lost.
            InputStream in = slowReader.getInputStream();
            byte[] all = in.readNBytes((int) written);
            assertThat(all).hasSize((int) written);
            owner.expectMessageClass(TcpEvent.WritesDrained.class);
            assertThat(connection.droppedBytes()).isZero();
        }
    }

    @Test
    void shouldStopReadingWhilePausedAndLoseNothing() throws Exception {
        TestProbe<TcpEvent> owner = kit.createProbe();
        TcpListener listener = io.listen(ANY_PORT, TcpOptions.defaults(), owner.ref());
        try (Socket socket = connect(listener)) {
            TcpConnection connection = accepted(owner);
            TestProbe<TcpEvent> handler = kit.createProbe();
            connection.pauseReading();
            connection.register(handler.ref());
            OutputStream out = socket.getOutputStream();
            out.write("before".getBytes(StandardCharsets.US_ASCII));
            handler.expectNoMessage(Duration.ofMillis(200));
            connection.resumeReading();
            assertThat(new String(receiveBytes(handler, 6), StandardCharsets.US_ASCII)).isEqualTo("before");
        }
    }

    @Test
    void shouldHalfCloseWhenAllowedAndStillWrite() throws Exception {
        TestProbe<TcpEvent> owner = kit.createProbe();
        TcpListener listener = io.listen(ANY_PORT, TcpOptions.defaults().withAllowHalfOpen(true), owner.ref());
        try (Socket socket = connect(listener)) {
            TcpConnection connection = accepted(owner);
            connection.register(owner.ref());
            socket.shutdownOutput();
            owner.expectMessageClass(TcpEvent.PeerClosed.class);
            connection.write("after".getBytes(StandardCharsets.US_ASCII));
            connection.shutdownOutput();
            assertThat(socket.getInputStream().readAllBytes()).asString(StandardCharsets.US_ASCII).isEqualTo("after");
            assertThat(owner.expectMessageClass(TcpEvent.Closed.class).cause()).isNull();
        }
    }

    @Test
    void shouldResetOnAbortAndCountWhatWasNotSent() throws Exception {
        TestProbe<TcpEvent> owner = kit.createProbe();
        TcpListener listener = io.listen(ANY_PORT, TcpOptions.defaults(), owner.ref());
        try (Socket socket = connect(listener)) {
            TcpConnection connection = accepted(owner);
            connection.register(owner.ref());
            connection.abort();
            owner.expectMessageClass(TcpEvent.Closed.class);
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
            // Writing to a closed connection: refused, counted, never silent.
            assertThat(connection.write(new byte[100])).isFalse();
            assertThat(connection.droppedBytes()).isEqualTo(100);
        }
    }

    @Test
    void shouldTellTheHandlerWhenThePeerResets() throws Exception {
        TestProbe<TcpEvent> owner = kit.createProbe();
        TcpListener listener = io.listen(ANY_PORT, TcpOptions.defaults(), owner.ref());
        Socket socket = connect(listener);
        TcpConnection connection = accepted(owner);
        connection.register(owner.ref());
        socket.setSoLinger(true, 0);
        socket.close();
        TcpEvent.Closed closed = owner.expectMessageClass(TcpEvent.Closed.class);
        assertThat(closed.cause()).isInstanceOf(IOException.class);
    }

    @Test
    void shouldReportARefusedConnection() throws Exception {
        int freePort;
        try (var probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = probe.getLocalPort();
        }
        TestProbe<TcpEvent> client = kit.createProbe();
        InetSocketAddress nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort);
        io.connect(nobody, TcpOptions.defaults(), client.ref());
        TcpEvent.ConnectFailed failed = client.expectMessageClass(TcpEvent.ConnectFailed.class);
        assertThat(failed.remote()).isEqualTo(nobody);
        assertThat(failed.cause()).isInstanceOf(ConnectException.class);
    }

    @Test
    void shouldTimeOutAConnectThatGetsNoAnswer() throws Exception {
        // A listener that never accepts, its backlog full: the kernel drops further SYNs.
        TestProbe<TcpEvent> client = kit.createProbe();
        List<Socket> fillers = new ArrayList<>();
        try (var full = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 8; i++) {
                Socket filler = new Socket();
                try {
                    filler.connect(full.getLocalSocketAddress(), 200);
                    fillers.add(filler);
                } catch (IOException timedOut) {
                    filler.close();
                    break;
                }
            }
            io.connect((InetSocketAddress) full.getLocalSocketAddress(),
                    TcpOptions.defaults().withConnectTimeout(Duration.ofMillis(300)), client.ref());
            TcpEvent.ConnectFailed failed = client.expectMessageClass(TcpEvent.ConnectFailed.class);
            assertThat(failed.cause()).isInstanceOf(java.net.SocketTimeoutException.class)
                    .hasMessageContaining("timed out after 300 ms");
        } finally {
            for (Socket filler : fillers) {
                filler.close();
            }
        }
    }

    @Test
    void shouldShareAPortWithReusePortAndRefuseAPortInUseWithout() throws Exception {
        TestProbe<TcpEvent> owner = kit.createProbe();
        TcpListener first = io.listen(ANY_PORT, TcpOptions.defaults().withReusePort(true), owner.ref());
        TcpListener second = io.listen(first.localAddress(), TcpOptions.defaults().withReusePort(true), owner.ref());
        assertThat(second.localAddress()).isEqualTo(first.localAddress());
        assertThatThrownBy(() -> io.listen(first.localAddress(), TcpOptions.defaults(), owner.ref()))
                .isInstanceOf(BindException.class);
    }

    @Test
    void shouldCloseEveryConnectionAndTellItsHandlerWhenIoCloses() throws Exception {
        TestProbe<TcpEvent> owner = kit.createProbe();
        TcpListener listener = io.listen(ANY_PORT, TcpOptions.defaults(), owner.ref());
        try (Socket socket = connect(listener)) {
            TcpConnection connection = accepted(owner);
            TestProbe<TcpEvent> handler = kit.createProbe();
            connection.register(handler.ref());
            io.close();
            handler.expectMessageClass(TcpEvent.Closed.class);
            owner.expectMessageClass(TcpEvent.ListenerClosed.class);
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThatThrownBy(() -> io.listen(ANY_PORT, TcpOptions.defaults(), owner.ref()))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    /** A pooled-read echo: writes each lent buffer back (no copy), pausing reads while over the high-water mark. */
    static Behavior<TcpEvent> pooledEcho(Set<TcpEvent.Data> seen, AtomicInteger reads) {
        return (ctx, event) -> {
            switch (event) {
                case TcpEvent.Accepted(TcpListener listener, TcpConnection connection) -> connection.register(ctx.self());
                case TcpEvent.Data data -> {
                    seen.add(data);
                    reads.incrementAndGet();
                    if (!data.connection().write(data)) {
                        data.connection().pauseReading();
                    }
                }
                case TcpEvent.WritesDrained(TcpConnection connection) -> connection.resumeReading();
                default -> {
                }
            }
            return Behavior.same();
        };
    }

    @Test
    void shouldLendPooledReadsAndTakeThemBackWhenWritten() throws Exception {
        Set<TcpEvent.Data> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger reads = new AtomicInteger();
        TcpOptions pooled = TcpOptions.defaults().withPooledReads(true);
        TcpListener listener = io.listen(ANY_PORT, pooled, kit.spawn(pooledEcho(seen, reads)));
        try (Socket socket = connect(listener)) {
            // Ping-pong: each echo is sent (and its buffer back in the pool) before the next read,
            // so every read lands in the same buffer.
            Random random = new Random(7);
            for (int i = 0; i < 200; i++) {
                byte[] ping = randomBytes(random, 1 + random.nextInt(1000));
                socket.getOutputStream().write(ping);
                assertThat(socket.getInputStream().readNBytes(ping.length)).isEqualTo(ping);
            }
            assertThat(reads.get()).isGreaterThanOrEqualTo(200);
            assertThat(seen).as("one buffer, lent again and again").hasSize(1);

            // Bulk, both ways at once: 4 MiB in odd-sized writes comes back byte for byte.
            byte[] payload = randomBytes(random, 4 << 20);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    for (int off = 0; off < payload.length; ) {
                        int n = Math.min(payload.length - off, 1 + random.nextInt(50_000));
                        socket.getOutputStream().write(payload, off, n);
                        off += n;
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(socket.getInputStream().readNBytes(payload.length)).isEqualTo(payload);
            writer.join();
            assertThat(seen.size()).as("buffers reused across %d reads", reads.get()).isLessThan(reads.get() / 4);
        }
    }

    @Test
    void shouldGiveALentBufferBackOnceAndCheckItsBounds() throws Exception {
        TestProbe<TcpEvent> owner = kit.createProbe();
        TcpListener listener = io.listen(ANY_PORT, TcpOptions.defaults().withPooledReads(true), owner.ref());
        try (Socket socket = connect(listener)) {
            TcpConnection connection = accepted(owner);
            connection.register(owner.ref());
            socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            TcpEvent.Data data = owner.expectMessageClass(TcpEvent.Data.class);
            assertThat(data.connection()).isSameAs(connection);
            assertThat(data.length()).isEqualTo(5);
            assertThat(data.get(1)).isEqualTo((byte) 'e');
            byte[] part = new byte[3];
            data.copyTo(2, part, 0, 3);
            assertThat(part).asString(StandardCharsets.US_ASCII).isEqualTo("llo");
            assertThat(data.toArray()).asString(StandardCharsets.US_ASCII).isEqualTo("hello");
            assertThatThrownBy(() -> data.get(5)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> data.copyTo(3, part, 0, 3)).isInstanceOf(IndexOutOfBoundsException.class);

            data.release();
            assertThatThrownBy(data::release).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> connection.write(data)).isInstanceOf(IllegalStateException.class);

            socket.getOutputStream().write("again".getBytes(StandardCharsets.US_ASCII));
            TcpEvent.Data again = owner.expectMessageClass(TcpEvent.Data.class);
            assertThat(again).as("the released buffer, lent again").isSameAs(data);
            assertThat(again.toArray()).asString(StandardCharsets.US_ASCII).isEqualTo("again");
            connection.write(again);
            assertThatThrownBy(again::release).as("written: the connection has it").isInstanceOf(IllegalStateException.class);
            assertThat(socket.getInputStream().readNBytes(5)).asString(StandardCharsets.US_ASCII).isEqualTo("again");

            // Closed: a written buffer is dropped (counted) and still goes back to the pool.
            socket.getOutputStream().write("last".getBytes(StandardCharsets.US_ASCII));
            TcpEvent.Data last = owner.expectMessageClass(TcpEvent.Data.class);
            connection.close();
            owner.expectMessageClass(TcpEvent.Closed.class);
            assertThat(connection.write(last)).isFalse();
            assertThat(connection.droppedBytes()).isEqualTo(4);
        }
    }

    /** Waits, with a deadline, until {@code counter} reaches {@code expected} (counted on a loop thread). */
    static void awaitCount(AtomicInteger counter, int expected) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (counter.get() < expected) {
            assertThat(System.nanoTime() - deadline).as("waiting for %d, at %d", expected, counter.get()).isNegative();
            Thread.onSpinWait();
        }
        assertThat(counter.get()).isEqualTo(expected);
    }

    /** {@return a plain socket connected to {@code listener}, reads timing out after 10 s} */
    static Socket connect(TcpListener listener) throws IOException {
        Socket socket = new Socket();
        socket.connect(listener.localAddress(), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** {@return the connection of the next {@link TcpEvent.Accepted} the listener's owner gets} */
    static TcpConnection accepted(TestProbe<TcpEvent> owner) {
        return owner.expectMessageClass(TcpEvent.Accepted.class).connection();
    }

    static byte[] receiveBytes(TestProbe<TcpEvent> probe, int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (out.size() < count) {
            TcpEvent event = probe.receiveMessage(WAIT);
            if (event instanceof TcpEvent.Received(TcpConnection connection, byte[] data)) {
                out.writeBytes(data);
            } else if (!(event instanceof TcpEvent.WritesDrained)) {
                throw new AssertionError("expected data, got " + event + " after " + out.size() + " bytes");
            }
        }
        return out.toByteArray();
    }

    static byte[] randomBytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }
}
