package dev.spindle.cluster.internal;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.cluster.Cluster;
import dev.spindle.cluster.Balancing;
import dev.spindle.cluster.ClusterConfig;
import dev.spindle.io.Io;
import dev.spindle.io.TcpEvent;
import dev.spindle.io.TcpListener;
import dev.spindle.io.TcpOptions;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;
import dev.spindle.cluster.ClusterWorker;
import dev.spindle.cluster.IpcStats;
import dev.spindle.cluster.WorkerEvent;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/** A worker's link to its primary: says hello with the secret, then carries messages both ways. */
public final class WorkerImpl extends Node implements ClusterWorker {

    /** The primary's IPC socket, for the worker to connect to. */
    static final String SOCKET_ENV = "SPINDLE_CLUSTER_SOCKET";
    /** The secret a worker proves itself with, hex. */
    static final String SECRET_ENV = "SPINDLE_CLUSTER_SECRET";
    /** Which process of its worker slot this is (1, 2, ...: restarts and rolling restarts count up). */
    static final String INCARNATION_ENV = "SPINDLE_CLUSTER_INCARNATION";
    /** The stem of the worker's two ring files ({@link #up}, {@link #down}). */
    static final String RINGS_ENV = "SPINDLE_CLUSTER_RINGS";
    /** The primary's {@link Balancing}: the workers follow it whatever their own config says. */
    static final String BALANCING_ENV = "SPINDLE_CLUSTER_BALANCING";

    /** {@return the ring a worker writes and the primary reads} */
    static Path up(Path rings) {
        return rings.resolveSibling(rings.getFileName() + ".up");
    }

    /** {@return the ring the primary writes and a worker reads} */
    static Path down(Path rings) {
        return rings.resolveSibling(rings.getFileName() + ".down");
    }

    private final int id;
    private final Link link;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final AtomicLong undelivered = new AtomicLong();
    /** The primary's private directory, where workers meet to share listening sockets. */
    private final Path directory;
    private final Balancing balancing;

    private WorkerImpl(ActorSystem system, int id, ClusterConfig config, Link link, Path directory, Balancing balancing) {
        super(system, new Wire(config), id);
        this.id = id;
        this.link = link;
        this.directory = directory;
        this.balancing = balancing;
    }

    public static WorkerImpl join(ActorSystem system, ClusterConfig config, ActorRef<? super WorkerEvent> inbox)
            throws IOException {
        int id = Cluster.workerId();
        String socket = System.getenv(SOCKET_ENV);
        String secretHex = System.getenv(SECRET_ENV);
        String rings = System.getenv(RINGS_ENV);
        if (socket == null || secretHex == null || rings == null) {
            throw new IllegalStateException("worker " + id + " was not started by a Spindle primary: no " + SOCKET_ENV
                    + ", " + SECRET_ENV + " or " + RINGS_ENV + " in its environment");
        }
        leaveTheTerminalsProcessGroup(id);
        byte[] secret = HexFormat.of().parseHex(secretHex);
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        String policy = System.getenv(BALANCING_ENV);
        WorkerImpl worker = new WorkerImpl(system, id, config, new Link(channel, config.maxFrameBytes(), config.sendTimeout(), "worker-" + id, IPC),
                Path.of(socket).getParent(), policy == null ? config.balancing() : Balancing.valueOf(policy));
        ShmRing in = ShmRing.open(down(Path.of(rings)));
        ShmRing out = ShmRing.open(up(Path.of(rings)));
        worker.link.startOnRings(in, out, new Link.Handler() {
            @Override
            public void onFrame(int kind, DataInputStream body) throws IOException {
                switch (kind) {
                    case Link.MESSAGE -> inbox.tell(new WorkerEvent.Message(worker.wire.decode(body)));
                    case Link.DISCONNECT -> inbox.tell(new WorkerEvent.Disconnect());
                    case Link.TELL -> {
                        int target = body.readInt();
                        if (target != id) {
                            throw new IOException("a message for process " + target + " reached worker " + id);
                        }
                        worker.receiveTell(body.readUTF(), body);
                    }
                    default -> throw new IOException("a frame of kind " + kind + " from the primary");
                }
            }

            @Override
            public void onClosed(IOException cause) {
                worker.undelivered.addAndGet(worker.link.undelivered());
                inbox.tell(new WorkerEvent.PrimaryGone(cause));
                worker.closed.complete(null);
            }
        });
        int incarnation = Integer.parseInt(System.getenv().getOrDefault(INCARNATION_ENV, "1"));
        worker.link.sendOnSocket(Link.HELLO, data -> {
            data.writeInt(id);
            data.writeInt(incarnation);
            data.writeInt(secret.length);
            data.write(secret);
        });
        return worker;
    }

    /**
     * A session of its own: a terminal's Ctrl-C (SIGINT to the foreground process group, the
     * primary's) then reaches the primary only, which disconnects each worker so that it drains,
     * instead of killing them all mid-request. A worker that cannot (it leads a process group, or
     * native access is off) goes on in the primary's group: logged, not fatal.
     */
    private static void leaveTheTerminalsProcessGroup(int id) {
        try {
            Native.newSession();
        } catch (IOException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(WorkerImpl.class)
                    .debug("cluster: worker {} stays in the primary's process group: {}", id, e.toString());
        }
    }

    @Override
    Link.Sent sendTell(int target, Link.Body frame) {
        return link.send(Link.TELL, frame); // the primary delivers it, or passes it on
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public boolean send(Object message) {
        return sendMessage(link, PRIMARY, message, undelivered);
    }

    @Override
    public IpcStats ipcStats() {
        return IPC.snapshot(undelivered());
    }

    /** The worker process's IPC counts: one link, to the primary. */
    private static final IpcCounters IPC = new IpcCounters();

    @Override
    public long undelivered() {
        return undelivered.get();
    }

    @Override
    public Balancing balancing() {
        return balancing;
    }

    @Override
    public TcpListener listen(Io io, InetSocketAddress address, TcpOptions options, ActorRef<? super TcpEvent> owner,
            Balancing policy) throws IOException {
        PrimaryImpl.checkPlatform(policy);
        TcpListener listener;
        if (policy == Balancing.REUSE_PORT) {
            listener = io.listen(address, options.withReusePort(true), owner);
        } else {
            SharedPort.Shared shared = SharedPort.open(directory, address, options.backlog());
            listener = shared(shared, () -> io.listen(shared.channel(), options.withAcceptGate(shared.gate()), owner));
        }
        listening(listener.localAddress());
        return listener;
    }

    @Override
    public HttpServer serve(Io io, InetSocketAddress address, HttpServerOptions options, Router router,
            Balancing policy) throws IOException {
        PrimaryImpl.checkPlatform(policy);
        HttpServer server;
        if (policy == Balancing.REUSE_PORT) {
            server = HttpServer.listen(io, address, options.withTcp(options.tcp().withReusePort(true)), router);
        } else {
            SharedPort.Shared shared = SharedPort.open(directory, address, options.tcp().backlog());
            server = shared(shared, () -> HttpServer.listen(io, shared.channel(),
                    options.withTcp(options.tcp().withAcceptGate(shared.gate())), router));
        }
        listening(server.localAddress());
        return server;
    }

    /** A listener on a shared socket; if it cannot be made, the share is given up. */
    private static <T> T shared(SharedPort.Shared shared, Listen<T> listen) throws IOException {
        try {
            return listen.listen();
        } catch (IOException | RuntimeException e) {
            try {
                shared.channel().close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            shared.gate().closed(); // after the channel: it gives stdout and stderr back
            throw e;
        }
    }

    @FunctionalInterface
    private interface Listen<T> {
        T listen() throws IOException;
    }

    @Override
    public void listening(InetSocketAddress address) {
        link.send(Link.LISTENING, out -> {
            out.writeUTF(address.getHostString());
            out.writeInt(address.getPort());
        });
    }

    @Override
    public CompletionStage<Void> whenClosed() {
        return closed.copy();
    }

    @Override
    public void close() {
        link.closeAfterSent();
    }
}
