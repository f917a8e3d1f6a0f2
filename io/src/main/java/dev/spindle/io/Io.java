package dev.spindle.io;

import dev.spindle.actors.ActorRef;
import dev.spindle.io.internal.Internals;
import dev.spindle.io.internal.IoRuntime;
import dev.spindle.io.internal.Recipients;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Thread-safe. Spindle's non-blocking I/O: selector loops (one per core by default) that own
 * sockets and send every completion to the actor that asked, as a {@link TcpEvent}. An actor
 * never waits on I/O; it asks, and handles what comes back like any other message.
 *
 * <pre>{@code
 * try (Io io = Io.create()) {
 *     TcpListener listener = io.listen(new InetSocketAddress(7000), TcpOptions.defaults(), server);
 *     ...
 * }
 * }</pre>
 *
 * <p>Threads: each loop is a platform thread that never runs user code; actors' handlers run on
 * their own virtual threads, and reach sockets only through {@link TcpConnection}'s methods, which
 * queue work for the socket's loop and return at once.
 */
public final class Io implements AutoCloseable {

    static {
        Internals.setRuntimeAccess(io -> io.runtime);
    }

    private final IoRuntime runtime;

    private Io(IoConfig config) {
        this.runtime = new IoRuntime(config);
    }

    /** {@return an io runtime with {@link IoConfig#defaults()}} */
    public static Io create() {
        return new Io(IoConfig.defaults());
    }

    public static Io create(IoConfig config) {
        return new Io(Objects.requireNonNull(config, "config"));
    }

    /**
     * Listens on {@code address} (port 0: the OS picks one; see {@link TcpListener#localAddress()});
     * each accepted connection goes to {@code owner} as {@link TcpEvent.Accepted}.
     *
     * @throws IOException                   if the address cannot be bound (in use, say)
     * @throws UnsupportedOperationException if {@code reusePort} is asked for where the OS lacks it
     */
    public TcpListener listen(InetSocketAddress address, TcpOptions options, ActorRef<? super TcpEvent> owner)
            throws IOException {
        return runtime.listen(Objects.requireNonNull(address, "address"), Objects.requireNonNull(options, "options"),
                Recipients.direct(Objects.requireNonNull(owner, "owner")));
    }

    /** Like {@link #listen(InetSocketAddress, TcpOptions, ActorRef)}, for an owner whose protocol wraps {@link TcpEvent}s. */
    public <M> TcpListener listen(InetSocketAddress address, TcpOptions options, ActorRef<M> owner,
            Function<? super TcpEvent, ? extends M> adapter) throws IOException {
        return runtime.listen(Objects.requireNonNull(address, "address"), Objects.requireNonNull(options, "options"),
                Recipients.adapted(owner, adapter));
    }

    /**
     * Connects to {@code remote}: {@code owner} gets {@link TcpEvent.Connected}, with the connection
     * registered to it and reading, or {@link TcpEvent.ConnectFailed} (refused, unreachable, or no
     * answer within {@link TcpOptions#connectTimeout()}).
     */
    public void connect(InetSocketAddress remote, TcpOptions options, ActorRef<? super TcpEvent> owner) {
        runtime.connect(Objects.requireNonNull(remote, "remote"), Objects.requireNonNull(options, "options"),
                Recipients.direct(Objects.requireNonNull(owner, "owner")));
    }

    /** Like {@link #connect(InetSocketAddress, TcpOptions, ActorRef)}, for an owner whose protocol wraps {@link TcpEvent}s. */
    public <M> void connect(InetSocketAddress remote, TcpOptions options, ActorRef<M> owner,
            Function<? super TcpEvent, ? extends M> adapter) {
        runtime.connect(Objects.requireNonNull(remote, "remote"), Objects.requireNonNull(options, "options"),
                Recipients.adapted(owner, adapter));
    }

    /**
     * Binds a UDP socket to {@code address} (port 0: the OS picks one); each datagram that arrives
     * goes to {@code owner} as {@link UdpEvent.Received}.
     *
     * @throws IOException if the address cannot be bound
     */
    public UdpSocket bindUdp(InetSocketAddress address, ActorRef<? super UdpEvent> owner) throws IOException {
        return runtime.bindUdp(Objects.requireNonNull(address, "address"), Recipients.direct(owner));
    }

    /** Like {@link #bindUdp(InetSocketAddress, ActorRef)}, for an owner whose protocol wraps {@link UdpEvent}s. */
    public <M> UdpSocket bindUdp(InetSocketAddress address, ActorRef<M> owner, Function<? super UdpEvent, ? extends M> adapter)
            throws IOException {
        return runtime.bindUdp(Objects.requireNonNull(address, "address"), Recipients.adapted(owner, adapter));
    }

    /**
     * Closes every listener and connection (each registered actor gets its {@link TcpEvent.Closed};
     * queued writes are dropped and counted) and stops the loops, waiting up to 10 seconds.
     */
    @Override
    public void close() {
        runtime.close(Duration.ofSeconds(10));
    }
}
