package dev.spindle.io.internal;

import dev.spindle.io.IoConfig;
import dev.spindle.io.TcpEvent;
import dev.spindle.io.TcpListener;
import dev.spindle.io.AcceptGate;
import dev.spindle.io.TcpOptions;
import dev.spindle.io.UdpEvent;
import dev.spindle.io.UdpSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Thread-safe. The loops of one {@code Io}, and what the API asks of them. */
public final class IoRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(IoRuntime.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final IoLoop[] loops;
    private final AtomicInteger nextLoop = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closed;

    public IoRuntime(IoConfig config) {
        int instance = INSTANCES.incrementAndGet();
        loops = new IoLoop[config.loops()];
        try {
            for (int i = 0; i < loops.length; i++) {
                loops[i] = new IoLoop("spindle-io-" + instance + "-loop-" + i, config.readBufferSize());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not open a selector", e);
        }
        for (IoLoop loop : loops) {
            loop.start();
        }
    }

    /** {@return the errors the loops have survived, summed} */
    public long loopFailures() {
        long failures = 0;
        for (IoLoop loop : loops) {
            failures += loop.failures();
        }
        return failures;
    }

    /** {@return how many times, summed over the loops, a hosted turn held a loop until a new thread took it over} */
    public long loopTakeovers() {
        long takeovers = 0;
        for (IoLoop loop : loops) {
            takeovers += loop.takeovers();
        }
        return takeovers;
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    /** {@return the next loop, in turn} (also for the HTTP client, whose per-host pools each live on one loop) */
    public IoLoop nextLoop() {
        return loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
    }

    /** A TCP listener whose connections go to {@code owner} as {@link TcpEvent.Accepted}. */
    public TcpListener listen(InetSocketAddress address, TcpOptions options, Recipient<TcpEvent, ?> owner) throws IOException {
        return listen(address, options, tcpAcceptor(options, owner));
    }

    /** A TCP listener on a channel already listening, its connections to {@code owner}. */
    public TcpListener listen(ServerSocketChannel server, TcpOptions options, Recipient<TcpEvent, ?> owner) throws IOException {
        return listen(server, options.acceptGate(), tcpAcceptor(options, owner));
    }

    private TcpServerChannel.Acceptor tcpAcceptor(TcpOptions options, Recipient<TcpEvent, ?> owner) {
        return new TcpServerChannel.Acceptor() {
            @Override
            public void accepted(IoLoop loop, SocketChannel channel, TcpServerChannel listener) throws IOException {
                TcpChannel connection = new TcpChannel(loop, channel, null, options, nextId(),
                        TlsSetups.server(options.tlsServer(), (InetSocketAddress) channel.getRemoteAddress(), null));
                connection.releasesTo(listener); // from here on, its close tells the listener and its gate
                connection.attach(null, () -> owner.deliver(new TcpEvent.Accepted(listener, connection)), null);
            }

            @Override
            public int maxConnections() {
                return options.maxConnections();
            }

            @Override
            public void listenerClosed(TcpServerChannel listener, IOException cause) {
                owner.deliver(new TcpEvent.ListenerClosed(listener, cause));
            }
        };
    }

    /** A listener whose accepted sockets {@code acceptor} sets up, each on the loop that will own it. */
    public TcpServerChannel listen(InetSocketAddress address, TcpOptions options, TcpServerChannel.Acceptor acceptor)
            throws IOException {
        ensureOpen();
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.configureBlocking(false);
            server.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
            if (options.reusePort()) {
                if (!server.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                    throw new UnsupportedOperationException("SO_REUSEPORT is not available on "
                            + System.getProperty("os.name") + ": listen without reusePort, or share the port another way");
                }
                server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            server.bind(address, options.backlog());
            return listen(server, options.acceptGate(), acceptor);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * A listener on {@code server}, a channel already bound and listening (inherited from a
     * supervisor such as systemd, or shared by a cluster): made non-blocking and put on a loop.
     */
    public TcpServerChannel listen(ServerSocketChannel server, AcceptGate gate, TcpServerChannel.Acceptor acceptor)
            throws IOException {
        ensureOpen();
        if (server.getLocalAddress() == null) {
            throw new IllegalArgumentException("the channel is not bound: bind it, or listen on an address");
        }
        server.configureBlocking(false);
        IoLoop loop = nextLoop();
        TcpServerChannel listener = new TcpServerChannel(this, loop, server, gate, acceptor);
        loop.execute(() -> {
            try {
                listener.attach();
            } catch (IOException e) {
                LOG.error("listener {} could not join its loop", listener, e);
                listener.close();
            }
        });
        return listener;
    }

    /** A UDP socket bound to {@code address}, its datagrams to {@code owner}. */
    public UdpSocket bindUdp(InetSocketAddress address, Recipient<UdpEvent, ?> owner) throws IOException {
        ensureOpen();
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.configureBlocking(false);
            channel.bind(address);
            IoLoop loop = nextLoop();
            UdpChannel socket = new UdpChannel(loop, channel, owner);
            loop.execute(() -> {
                try {
                    socket.attach();
                } catch (IOException e) {
                    LOG.error("UDP socket {} could not join its loop", socket, e);
                    socket.close();
                }
            });
            return socket;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public void connect(InetSocketAddress remote, TcpOptions options, Recipient<TcpEvent, ?> owner) {
        ensureOpen();
        IoLoop loop = nextLoop();
        SocketChannel channel;
        try {
            channel = SocketChannel.open();
        } catch (IOException e) {
            owner.deliver(new TcpEvent.ConnectFailed(remote, e));
            return;
        }
        loop.execute(() -> new TcpConnector(this, loop, channel, remote, options, owner).start());
    }

    /** An accepted socket goes to the next loop, where {@code acceptor} sets it up. */
    void adopt(SocketChannel accepted, TcpServerChannel listener, TcpServerChannel.Acceptor acceptor) {
        acceptor.adopting();
        IoLoop loop = nextLoop();
        loop.execute(() -> {
            try {
                acceptor.accepted(loop, accepted, listener);
            } catch (Throwable e) {
                // The peer went away between accept and now (or set-up failed, even with an Error):
                // the socket is closed and the gate told, as if it had opened and closed.
                listener.released();
                try {
                    accepted.close();
                } catch (IOException ignored) {
                    // Closing a broken socket.
                }
                if (e instanceof IOException) {
                    LOG.debug("accepted connection failed before it was set up", e);
                } else if (e instanceof Error error) {
                    throw error; // the loop counts it
                } else {
                    LOG.error("setting up an accepted connection failed", e);
                }
            }
        });
    }

    /** {@return whether {@link #close} has begun: the loops take no more work} */
    public boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("io is closed");
        }
    }

    /** Stops every loop; each closes what it owns, telling registered actors. Waits up to {@code timeout}. */
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        CompletableFuture<?>[] ends = new CompletableFuture<?>[loops.length];
        for (int i = 0; i < loops.length; i++) {
            ends[i] = loops[i].shutdown();
        }
        try {
            CompletableFuture.allOf(ends).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("io loops did not all stop within {}", timeout, e);
        }
    }
}
