package dev.spindle.cluster.internal;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.cluster.Balancing;
import dev.spindle.cluster.ClusterConfig;
import dev.spindle.cluster.ClusterEvent;
import dev.spindle.cluster.ClusterPrimary;
import dev.spindle.cluster.ClusterStats;
import dev.spindle.cluster.Worker;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The primary: a private IPC socket (a Unix domain socket in a directory only this user can enter,
 * the socket itself {@code 0600}), a secret each worker must present in its first frame, and one
 * {@link WorkerSlot} per worker. A connection that is not from this user, or does not say hello
 * with the secret within {@link #HELLO_TIMEOUT}, is closed with a warning and changes nothing.
 *
 * <p>Thread-safe. Each slot is supervised by an actor ({@link SlotActor}) in a small actor system
 * of the primary's own ({@code spindle-cluster}), closed last by {@link #close()}; the primary
 * itself only admits links, relays TELL frames, runs rolling restarts one at a time (on a virtual
 * thread that waits for one slot's step at a time) and closes.
 */
public final class PrimaryImpl extends Node implements ClusterPrimary {

    private static final Logger LOG = LoggerFactory.getLogger(PrimaryImpl.class);
    static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);

    final ClusterConfig config;
    final ActorRef<? super ClusterEvent> events;
    final Path directory;
    final Path socket;
    final byte[] secret;
    private final ServerSocketChannel server;
    private final List<WorkerSlot> slots;
    /** Hosts the slots' actors: not the application's system, whose names and lifetime are its own. */
    private final ActorSystem slotsHost;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Counted down when {@link #close()} has finished: a second caller waits for the first. */
    private final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
    private final Thread shutdownHook;

    private PrimaryImpl(ActorSystem system, ClusterConfig config, ActorRef<? super ClusterEvent> events)
            throws IOException {
        super(system, new Wire(config), PRIMARY);
        this.config = config;
        this.events = events;
        // Added before anything is made, so that a stop from now on (Ctrl-C as the cluster starts)
        // still removes what is made: the hook waits for this constructor. A JVM already stopping
        // refuses it (IllegalStateException), and nothing is made.
        this.shutdownHook = Thread.ofPlatform().name("spindle-cluster-shutdown").unstarted(this::closeOnceMade);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        boolean complete = false;
        try {
            Path home = ringHome(config);
            removeOrphans(home);
            this.directory = Files.createTempDirectory(home, DIRECTORY_PREFIX,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.writeString(directory.resolve(PID_FILE), Long.toString(ProcessHandle.current().pid()));
            this.socket = directory.resolve("primary.sock");
            this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            this.secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            this.slotsHost = ActorSystem.create("spindle-cluster");
            WorkerSlot[] made = new WorkerSlot[config.workers()];
            for (int i = 0; i < made.length; i++) {
                made[i] = new WorkerSlot(this, i + 1, slotsHost);
            }
            this.slots = List.of(made);
            complete = true;
        } finally {
            madeAll = complete;
            constructed.countDown();
            if (!complete) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException stopping) {
                    // the hook runs, finds madeAll false, and does nothing
                }
            }
        }
    }

    /** Counted down when the constructor has returned or thrown; the shutdown hook waits for it. */
    private final java.util.concurrent.CountDownLatch constructed = new java.util.concurrent.CountDownLatch(1);
    /** Whether the constructor made everything; written before {@link #constructed} is counted down. */
    private boolean madeAll;

    /** The shutdown hook: once the constructor has made everything, {@link #close()}. */
    private void closeOnceMade() {
        try {
            if (!constructed.await(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS) || !madeAll) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        close();
    }

    /**
     * {@return where the private directory goes} {@code /dev/shm} (the rings' pages are never
     * written back to a disk) when it has room for every worker's two rings twice over (a restart
     * makes new ones before the old go; containers often give it only 64 MiB, and touching a
     * mapped page past a full tmpfs kills the process), else {@code java.io.tmpdir}.
     */
    static final String DIRECTORY_PREFIX = "spindle-cluster-";
    /** In each private directory: the pid of the primary that made it. */
    static final String PID_FILE = "primary.pid";

    /**
     * Removes the private directories (rings, socket) of primaries that died without cleaning up
     * (killed with SIGKILL, say): this user's, under {@code home}, whose primary is not running.
     */
    static void removeOrphans(Path home) {
        try (var entries = Files.newDirectoryStream(home, DIRECTORY_PREFIX + "*")) {
            for (Path dir : entries) {
                Path pidFile = dir.resolve(PID_FILE);
                if (!Files.isDirectory(dir) || !Files.isReadable(pidFile)) {
                    continue; // not ours to judge (another user's, or one being made)
                }
                long pid;
                try {
                    pid = Long.parseLong(Files.readString(pidFile).strip());
                } catch (NumberFormatException e) {
                    continue;
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                try (var files = Files.list(dir)) {
                    for (Path file : files.toList()) {
                        Files.deleteIfExists(file);
                    }
                }
                Files.deleteIfExists(dir);
                LOG.info("cluster: removed {}, left by primary {}, which is gone", dir, pid);
            }
        } catch (IOException e) {
            LOG.debug("cluster: could not look for directories left by dead primaries in {}", home, e);
        }
    }

    static Path ringHome(ClusterConfig config) {
        Path shm = Path.of("/dev/shm");
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        if (!Files.isDirectory(shm) || !Files.isWritable(shm)) {
            return tmp;
        }
        long need = 4L * config.workers() * Link.ringCapacity(config.maxFrameBytes());
        try {
            return Files.getFileStore(shm).getUsableSpace() >= need ? shm : tmp;
        } catch (IOException e) {
            return tmp;
        }
    }

    /** Opens the IPC socket, then forks every worker. */
    public static PrimaryImpl start(ActorSystem system, ClusterConfig config, ActorRef<? super ClusterEvent> events)
            throws IOException {
        checkPlatform(config.balancing());
        PrimaryImpl primary = new PrimaryImpl(system, config, events);
        LOG.info("cluster: starting {} workers; connections to a shared address are {}", config.workers(),
                config.balancing() == Balancing.REUSE_PORT ? "balanced by the kernel (SO_REUSEPORT)"
                        : "dealt out in turn by the workers (round-robin)");
        Thread.ofVirtual().name("spindle-cluster-accept").start(primary::acceptLoop);
        for (WorkerSlot slot : primary.slots) {
            slot.fork();
        }
        return primary;
    }

    /**
     * Fails, before any worker starts, where the OS lacks what {@code balancing} needs. Without
     * loading {@link Native}: the primary makes no native call and needs no flag for them.
     */
    static void checkPlatform(Balancing balancing) {
        String os = System.getProperty("os.name", "");
        if (!os.startsWith("Linux")) {
            throw new UnsupportedOperationException("cluster balancing " + balancing + " needs Linux (" + (balancing
                    == Balancing.REUSE_PORT ? "SO_REUSEPORT spreads connections over sockets only there"
                    : "it passes a listening socket between processes with SCM_RIGHTS") + "), not " + os);
        }
        if (balancing == Balancing.ROUND_ROBIN && !"64".equals(System.getProperty("sun.arch.data.model"))) {
            throw new UnsupportedOperationException("round-robin balancing needs a 64-bit JVM");
        }
    }

    String secretHex() {
        return HexFormat.of().formatHex(secret);
    }

    boolean closing() {
        return closed.get();
    }

    private void acceptLoop() {
        while (!closed.get()) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                if (!closed.get()) {
                    LOG.error("cluster: the IPC socket {} failed; workers can no longer join", socket, e);
                }
                return;
            }
            admit(channel);
        }
    }

    /** A new connection: it must be from this user and say hello with the secret, or it is closed. */
    private void admit(SocketChannel channel) {
        try {
            UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            String me = System.getProperty("user.name");
            if (!peer.user().getName().equals(me)) {
                LOG.warn("cluster: refused an IPC connection from user {} (not {})", peer.user().getName(), me);
                channel.close();
                return;
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cluster: cannot read the IPC peer's credentials; the secret decides", e);
        }
        Link link = new Link(channel, config.maxFrameBytes(), config.sendTimeout(), "primary<-?", ipc);
        AtomicBoolean admitted = new AtomicBoolean();
        link.startOnSocket(new Link.Handler() {
            /** Set on the hello's thread; read on the rings' reader, which the hello starts. */
            private volatile WorkerSlot slot;

            @Override
            public void onFrame(int kind, DataInputStream body) throws IOException {
                WorkerSlot known = slot;
                if (known != null) {
                    known.onFrame(link, kind, body);
                    return;
                }
                // Known before online() attaches the rings: their reader starts there and may hand
                // over the worker's first ring frame at once. (Set after it, a LISTENING written
                // before the hello was read met a null slot, was taken for a bad hello and closed
                // the link: the worker exited 0 "before it listened", the rolling restarts' flake.)
                Hello hello = hello(kind, body);
                slot = hello.slot();
                hello.slot().online(link, hello.incarnation());
                admitted.set(true);
            }

            @Override
            public void onClosed(IOException cause) {
                if (slot != null) {
                    slot.linkClosed(link, cause);
                }
            }

            @Override
            public void onStalled() {
                if (slot != null) {
                    slot.stalled(link);
                }
            }
        });
        CompletableFuture.delayedExecutor(HELLO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (!admitted.get() && link.isOpen()) {
                LOG.warn("cluster: an IPC connection said no hello within {}; closed", HELLO_TIMEOUT);
                link.close();
            }
        });
    }

    /** A worker's hello: its slot, and which of the slot's processes says it. */
    private record Hello(WorkerSlot slot, int incarnation) {
    }

    /** The first frame: {@code HELLO} with the secret and a worker id this cluster has; else the link closes. */
    private Hello hello(int kind, DataInputStream body) throws IOException {
        if (kind != Link.HELLO) {
            throw new IOException("a connection that did not start with hello (frame kind " + kind + ")");
        }
        int id = body.readInt();
        int incarnation = body.readInt();
        int length = body.readInt();
        if (length != secret.length) {
            throw new IOException("a hello with a secret of the wrong length: not a worker of this cluster");
        }
        byte[] presented = new byte[length];
        body.readFully(presented);
        if (!MessageDigest.isEqual(presented, secret)) {
            throw new IOException("a hello with the wrong secret: not a worker of this cluster");
        }
        if (id < 1 || id > slots.size()) {
            throw new IOException("a hello from worker " + id + ", which this cluster does not have");
        }
        return new Hello(slots.get(id - 1), incarnation);
    }

    @Override
    Link.Sent sendTell(int target, Link.Body frame) {
        return target >= 1 && target <= slots.size() ? slots.get(target - 1).sendFrame(Link.TELL, frame) : Link.Sent.CLOSED;
    }

    /** A worker's TELL for another worker: passed on as it came; a dead letter here if that worker is gone. */
    void relay(int target, byte[] rest) throws IOException {
        Link.Sent sent = sendTell(target, out -> {
            out.writeInt(target);
            out.write(rest);
        });
        if (sent == Link.Sent.SENT) {
            return;
        }
        java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(rest));
        String name = in.readUTF();
        Object message = wire.decode(in);
        deadLetterUnless(sent, remote(target, name), message);
    }

    /** Linux 5.14+: whether a closing listening socket hands its queued connections to the others of its port. */
    private static final Path MIGRATE_REQ = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");

    /** Guards {@link #restarting} and {@link #queuedRestart}; held for a few field reads and writes, never while waiting or logging. */
    private final ReentrantLock restarts = new ReentrantLock();
    /** Whether a rolling restart runs. */
    private boolean restarting;
    /** The rolling restart to run after the one that runs, shared by every request made meanwhile; or null. */
    private CompletableFuture<Void> queuedRestart;

    @Override
    public CompletionStage<Void> rollingRestart() {
        CompletableFuture<Void> done;
        CompletableFuture<Void> queued = null;
        boolean newlyQueued = false;
        restarts.lock();
        try {
            if (restarting) {
                newlyQueued = queuedRestart == null;
                if (newlyQueued) {
                    queuedRestart = new CompletableFuture<>();
                }
                queued = queuedRestart;
            }
            done = queued == null ? new CompletableFuture<>() : null;
            restarting = true;
        } finally {
            restarts.unlock();
        }
        if (queued != null) {
            if (newlyQueued) {
                LOG.info("cluster: a rolling restart runs; another one follows it");
            }
            return queued.copy();
        }
        Thread.ofVirtual().name("spindle-cluster-rolling-restart").start(() -> {
            for (CompletableFuture<Void> next = done; next != null; ) {
                Throwable failure = restartEveryWorker();
                CompletableFuture<Void> finished = next;
                restarts.lock(); // before completing: a request made as it completes starts anew
                try {
                    next = queuedRestart;
                    queuedRestart = null;
                    restarting = next != null;
                } finally {
                    restarts.unlock();
                }
                if (failure == null) {
                    finished.complete(null);
                } else {
                    finished.completeExceptionally(failure);
                }
            }
        });
        return done.copy();
    }

    /** Replaces each worker in turn. {@return null, or why it stopped} */
    private Throwable restartEveryWorker() {
        try {
            if (config.balancing() == Balancing.REUSE_PORT && Files.exists(MIGRATE_REQ)
                    && Files.readString(MIGRATE_REQ).strip().equals("0")) {
                // Round-robin's shared socket never closes while another worker holds it: nothing to reset.
                LOG.warn("cluster: rolling restart with SO_REUSEPORT and net.ipv4.tcp_migrate_req = 0: a connection that "
                        + "reaches a replaced worker's socket in the instant it closes is reset by the kernel (clients retry); "
                        + "sysctl -w net.ipv4.tcp_migrate_req=1 has the kernel hand such connections to the other workers");
            }
        } catch (IOException e) {
            LOG.debug("cluster: cannot read {}", MIGRATE_REQ, e);
        }
        try {
            for (WorkerSlot slot : slots) {
                if (closed.get()) {
                    throw new IllegalStateException("the cluster closed during the rolling restart");
                }
                LOG.info("cluster: rolling restart: replacing worker {}", slot.id());
                slot.replace().toCompletableFuture().join();
            }
            return null;
        } catch (RuntimeException e) {
            LOG.error("cluster: rolling restart stopped", e);
            return e instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : e;
        }
    }

    /** Completes when {@link #close()} has finished; exceptionally if the primary closed because every worker was given up. */
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    /** Why the primary closes itself, or null: {@link #terminated} fails with it. */
    private volatile Throwable closingBecause;
    /** Slots given up on and not (yet) tried again. */
    private final java.util.concurrent.atomic.AtomicInteger givenUp = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * A slot gave up on its worker (called outside its lock). The last one tells
     * {@link ClusterEvent.AllGaveUp}; with no retry configured the primary then closes (on a
     * thread of its own: the caller may be a process's exit handler) and {@link #terminated}
     * fails. Node's cluster keeps a primary with no workers running, and says nothing.
     */
    void gaveUp() {
        if (givenUp.incrementAndGet() != slots.size()) {
            return;
        }
        Duration retry = config.retryGivenUpAfter();
        LOG.error("cluster: every worker ({}) was given up after crash loops: nothing serves; {}", slots.size(),
                retry == null ? "the primary closes (terminated() fails: main may exit non-zero)"
                        : "each is tried again after " + retry.toMillis() + " ms");
        events.tell(new ClusterEvent.AllGaveUp(retry));
        if (retry == null) {
            closingBecause = new IllegalStateException("every worker was given up after crash loops (" + slots.size()
                    + " workers, more than " + config.maxRestarts() + " crashes each within " + config.crashWindow() + ")");
            Thread.ofVirtual().name("spindle-cluster-gave-up").start(this::close);
        }
    }

    /** A slot given up on tries its worker again. */
    void retrying() {
        givenUp.decrementAndGet();
    }

    @Override
    public CompletionStage<Void> terminated() {
        return terminated.copy();
    }

    @Override
    public List<Worker> workers() {
        return List.copyOf(slots);
    }

    @Override
    public Worker worker(int id) {
        return slots.get(id - 1);
    }

    /** The primary's IPC counts, over every link to every worker process. */
    final IpcCounters ipc = new IpcCounters();
    /** Processes started again after a crash; times a process was found silent. Counted by the slots' actors. */
    final java.util.concurrent.atomic.LongAdder crashRestarts = new java.util.concurrent.atomic.LongAdder();
    final java.util.concurrent.atomic.LongAdder unresponsive = new java.util.concurrent.atomic.LongAdder();

    @Override
    public ClusterStats stats() {
        int up = 0;
        long undelivered = 0;
        for (WorkerSlot slot : slots) {
            if (slot.isConnected()) {
                up++;
            }
            undelivered += slot.undelivered();
        }
        return new ClusterStats(slots.size(), up, crashRestarts.sum(), givenUp.get(), unresponsive.sum(),
                ipc.snapshot(undelivered));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            // Another thread is closing: wait for it. The JVM's shutdown (our hook) must not end
            // while the application's own close (say, try-with-resources in main after Ctrl-C)
            // is still stopping the workers, or their files would be left behind.
            try {
                finished.await(config.shutdownTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            closeOnce();
        } finally {
            finished.countDown();
        }
    }

    private void closeOnce() {
        try {
            stopEverything();
        } finally {
            Throwable because = closingBecause;
            if (because == null) {
                terminated.complete(null);
            } else {
                terminated.completeExceptionally(because);
            }
        }
    }

    /**
     * Each slot's actor asks its processes to end and hands them over; they get until the shutdown
     * timeout, then SIGKILL; then the actors tell their last exits. Every wait is bounded: an actor
     * whose turn is held (a DISCONNECT into a full ring waits up to the send timeout) delays it,
     * never blocks it for ever.
     */
    private void stopWorkers() {
        List<WorkerSlot.Closing> closings = slots.stream().map(WorkerSlot::close).toList();
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        for (int i = 0; i < slots.size(); i++) {
            WorkerSlot slot = slots.get(i);
            try {
                List<Process> processes = closings.get(i).processes()
                        .get(Math.max(0, deadline - System.nanoTime()) + ANSWER_NANOS, TimeUnit.NANOSECONDS);
                slot.awaitExit(processes, deadline);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("cluster: worker {}'s slot did not hand over its processes in time", slot.id(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (int i = 0; i < slots.size(); i++) {
            try {
                closings.get(i).gone().get(ANSWER_NANOS, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.debug("cluster: worker {}'s slot has not told every exit", slots.get(i).id(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** How long close waits for a slot's actor past the workers' own deadline. */
    private static final long ANSWER_NANOS = TimeUnit.SECONDS.toNanos(5);

    private void stopEverything() {
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
        try {
            stopWorkers();
        } finally {
            slotsHost.close();
        }
        try {
            server.close();
            Files.deleteIfExists(socket);
            try (var left = Files.list(directory)) { // the pid file, and rings of workers that never exited in time
                for (Path file : left.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            LOG.debug("cluster: could not remove {}", directory, e);
        }
    }
}
