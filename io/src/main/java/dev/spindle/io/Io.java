package dev.spindle.io;

import dev.spindle.actors.ActorRef;
import dev.spindle.io.internal.BlockingOps;
import dev.spindle.io.internal.Internals;
import dev.spindle.io.internal.IoRuntime;
import dev.spindle.io.internal.Processes;
import dev.spindle.io.internal.Recipients;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
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

    private final BlockingOps blocking = new BlockingOps();

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
                Recipients.direct(owner));
    }

    /**
     * Listens on {@code server}, a channel already bound and listening that this {@code Io} takes
     * over (one inherited from a supervisor, as with systemd's socket activation and
     * {@link System#inheritedChannel()}, or shared among a cluster's workers). {@code options}
     * apply to the accepted connections; the channel's own options stay as they are.
     */
    public TcpListener listen(java.nio.channels.ServerSocketChannel server, TcpOptions options,
            ActorRef<? super TcpEvent> owner) throws IOException {
        return runtime.listen(Objects.requireNonNull(server, "server"), Objects.requireNonNull(options, "options"),
                Recipients.direct(owner));
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
                Recipients.direct(owner));
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

    // ---- files, DNS, child processes: on virtual threads, completions as messages ----------------

    /** Reads the whole file; {@link FileEvent.Read} or {@link FileEvent.Failed} follows. */
    public void readFile(Path path, ActorRef<? super FileEvent> owner) {
        blocking.readFile(Objects.requireNonNull(path, "path"), Recipients.direct(owner));
    }

    public <M> void readFile(Path path, ActorRef<M> owner, Function<? super FileEvent, ? extends M> adapter) {
        blocking.readFile(Objects.requireNonNull(path, "path"), Recipients.adapted(owner, adapter));
    }

    /**
     * Writes {@code data} (copied) to the file, created if missing, replacing it or appended to it;
     * {@link FileEvent.Written} (after the bytes are forced to the device) or {@link FileEvent.Failed} follows.
     */
    public void writeFile(Path path, byte[] data, boolean append, ActorRef<? super FileEvent> owner) {
        blocking.writeFile(Objects.requireNonNull(path, "path"), data, append, Recipients.direct(owner));
    }

    public <M> void writeFile(Path path, byte[] data, boolean append, ActorRef<M> owner,
            Function<? super FileEvent, ? extends M> adapter) {
        blocking.writeFile(Objects.requireNonNull(path, "path"), data, append, Recipients.adapted(owner, adapter));
    }

    /**
     * Reads the file in chunks of up to {@code chunkSize} bytes, one {@link FileEvent.Chunk} per
     * chunk asked for (the first is asked for already), then {@link FileEvent.End}.
     */
    public FileStream streamFile(Path path, int chunkSize, ActorRef<? super FileEvent> owner) {
        return blocking.streamFile(Objects.requireNonNull(path, "path"), positive(chunkSize), Recipients.direct(owner));
    }

    public <M> FileStream streamFile(Path path, int chunkSize, ActorRef<M> owner,
            Function<? super FileEvent, ? extends M> adapter) {
        return blocking.streamFile(Objects.requireNonNull(path, "path"), positive(chunkSize), Recipients.adapted(owner, adapter));
    }

    /** Resolves {@code host} with the system's resolver; {@link DnsEvent.Resolved} or {@link DnsEvent.Failed} follows. */
    public void lookup(String host, ActorRef<? super DnsEvent> owner) {
        blocking.lookup(Objects.requireNonNull(host, "host"), Recipients.direct(owner));
    }

    public <M> void lookup(String host, ActorRef<M> owner, Function<? super DnsEvent, ? extends M> adapter) {
        blocking.lookup(Objects.requireNonNull(host, "host"), Recipients.adapted(owner, adapter));
    }

    /**
     * Starts a child process (Node's {@code child_process.spawn}); {@code owner} gets
     * {@link ProcessEvent.Started}, its output, then {@link ProcessEvent.Exited}, or
     * {@link ProcessEvent.SpawnFailed}.
     */
    public void spawn(ProcessSpec spec, ActorRef<? super ProcessEvent> owner) {
        Processes.spawn(Objects.requireNonNull(spec, "spec"), Recipients.direct(owner));
    }

    public <M> void spawn(ProcessSpec spec, ActorRef<M> owner, Function<? super ProcessEvent, ? extends M> adapter) {
        Processes.spawn(Objects.requireNonNull(spec, "spec"), Recipients.adapted(owner, adapter));
    }

    private static int positive(int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be positive: " + chunkSize);
        }
        return chunkSize;
    }

    /**
     * {@return how many errors the loops have survived so far} An exception or an {@link Error}
     * (even an {@link OutOfMemoryError}) thrown while a loop handles one channel, task or timer
     * closes that channel (or drops that task) and is logged; the loop goes on serving the rest.
     */
    public long loopFailures() {
        return runtime.loopFailures();
    }

    /**
     * {@return how many times an actor's turn run on a loop blocked or computed for milliseconds,
     * so that a new thread took the loop over (each is logged at info with the actor, what it did,
     * for how long and where)} A rising count means a handler to move off the loop with
     * {@code ctx.offload}.
     */
    public long loopTakeovers() {
        return runtime.loopTakeovers();
    }

    /**
     * Closes every listener and connection (each registered actor gets its {@link TcpEvent.Closed};
     * queued writes are dropped and counted) and stops the loops, waiting up to 10 seconds.
     */
    @Override
    public void close() {
        blocking.close();
        runtime.close(Duration.ofSeconds(10));
    }
}
