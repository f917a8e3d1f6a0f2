package dev.spindle.cluster.internal;

import dev.spindle.cluster.Cluster;
import dev.spindle.cluster.ClusterConfig;
import dev.spindle.cluster.ClusterEvent;
import dev.spindle.cluster.Worker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One worker slot of the primary: the current process, its link once it said hello, and the
 * restart policy. Its state changes under {@link #lock}, which is never held around anything that
 * blocks (events are {@code tell}s); so the events of one process are told in order: Forked,
 * Online, ..., Disconnected, Exited.
 */
final class WorkerSlot implements Worker {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerSlot.class);
    private static final Map<Integer, String> SIGNALS = Map.of(1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 6, "SIGABRT",
            9, "SIGKILL", 11, "SIGSEGV", 13, "SIGPIPE", 14, "SIGALRM", 15, "SIGTERM");

    private final PrimaryImpl primary;
    private final int id;
    private final Object lock = new Object();
    private final AtomicLong undelivered = new AtomicLong();
    // ---- guarded by lock ----
    private Process process;
    /** The current process's rings: worker to primary, primary to worker, and their paths' stem. */
    private ShmRing up;
    private ShmRing down;
    private Path rings;
    private Link link;
    private int incarnation;
    /** This process was asked to end (disconnect, kill, cluster close): its exit is not a crash. */
    private boolean stopRequested;
    private boolean disconnectedTold;
    private boolean gaveUp;
    private final ArrayDeque<Long> crashes = new ArrayDeque<>();

    WorkerSlot(PrimaryImpl primary, int id) {
        this.primary = primary;
        this.id = id;
    }

    /** Starts a process for this slot. */
    void fork() {
        ProcessBuilder builder = new ProcessBuilder(Launch.command(primary.config)).inheritIO();
        int next;
        synchronized (lock) {
            next = incarnation + 1;
        }
        Path rings = primary.directory.resolve("worker-" + id + "." + next);
        builder.environment().put(Cluster.WORKER_ID_ENV, Integer.toString(id));
        builder.environment().put(WorkerImpl.SOCKET_ENV, primary.socket.toString());
        builder.environment().put(WorkerImpl.SECRET_ENV, primary.secretHex());
        builder.environment().put(WorkerImpl.RINGS_ENV, rings.toString());
        Process started;
        ShmRing up = null;
        ShmRing down = null;
        try {
            int capacity = Link.ringCapacity(primary.config.maxFrameBytes());
            up = ShmRing.create(WorkerImpl.up(rings), capacity);
            down = ShmRing.create(WorkerImpl.down(rings), capacity);
            started = builder.start();
        } catch (IOException e) {
            closeRings(up, down, rings);
            LOG.error("cluster: cannot start worker {}: {}", id, String.join(" ", builder.command()), e);
            synchronized (lock) {
                gaveUp = true;
                primary.events.tell(new ClusterEvent.GaveUp(this, crashes.size()));
            }
            return;
        }
        synchronized (lock) {
            process = started;
            link = null;
            incarnation = next;
            this.up = up;
            this.down = down;
            this.rings = rings;
            stopRequested = false;
            disconnectedTold = false;
            primary.events.tell(new ClusterEvent.Forked(this));
        }
        started.onExit().thenAccept(this::exited);
    }

    /** The worker said hello with the secret: its link is the slot's. */
    void online(Link hello) throws IOException {
        synchronized (lock) {
            if (link != null || process == null || !process.isAlive()) {
                throw new IOException("a second hello for worker " + id + ", or one without a live process");
            }
            link = hello;
            hello.attach(up, down);
            primary.events.tell(new ClusterEvent.Online(this));
        }
    }

    private static void closeRings(ShmRing up, ShmRing down, Path rings) {
        for (ShmRing ring : new ShmRing[] {up, down}) {
            if (ring != null) {
                try {
                    ring.close();
                } catch (IOException ignored) {
                    // its mapping goes with the buffer
                }
            }
        }
        try {
            Files.deleteIfExists(WorkerImpl.up(rings));
            Files.deleteIfExists(WorkerImpl.down(rings));
        } catch (IOException e) {
            LOG.debug("cluster: could not remove the rings {}", rings, e);
        }
    }

    void onFrame(Link from, int kind, DataInputStream body) throws IOException {
        switch (kind) {
            case Link.MESSAGE -> {
                Object message = primary.wire.decode(body);
                tellIfCurrent(from, new ClusterEvent.Message(this, message));
            }
            case Link.LISTENING -> {
                String host = body.readUTF();
                int port = body.readInt();
                tellIfCurrent(from, new ClusterEvent.Listening(this, new InetSocketAddress(host, port)));
            }
            default -> throw new IOException("a frame of kind " + kind + " from worker " + id);
        }
    }

    private void tellIfCurrent(Link from, ClusterEvent event) {
        synchronized (lock) {
            if (from == link) {
                primary.events.tell(event);
            }
        }
    }

    void linkClosed(Link closed) {
        undelivered.addAndGet(closed.undelivered());
        synchronized (lock) {
            if (closed == link) {
                link = null;
                tellDisconnected();
            }
        }
    }

    private void tellDisconnected() {
        if (!disconnectedTold) {
            disconnectedTold = true;
            primary.events.tell(new ClusterEvent.Disconnected(this));
        }
    }

    private void exited(Process ended) {
        int code = ended.exitValue();
        String signal = code > 128 && code < 128 + 32 ? SIGNALS.getOrDefault(code - 128, "SIG" + (code - 128)) : null;
        Link gone;
        ShmRing oldUp;
        ShmRing oldDown;
        Path oldRings;
        synchronized (lock) {
            if (ended != process) {
                return;
            }
            gone = link;
            link = null;
            oldUp = up;
            oldDown = down;
            oldRings = rings;
        }
        if (gone != null) {
            gone.close(); // its linkClosed sees another link: no event from there
        }
        closeRings(oldUp, oldDown, oldRings);
        Duration delay = null;
        synchronized (lock) {
            tellDisconnected();
            process = null;
            if (!stopRequested && !primary.closing()) {
                long now = System.nanoTime();
                crashes.addLast(now);
                while (now - crashes.peekFirst() > primary.config.crashWindow().toNanos()) {
                    crashes.pollFirst();
                }
                if (crashes.size() > primary.config.maxRestarts()) {
                    gaveUp = true;
                } else {
                    delay = backoff(crashes.size());
                }
            }
            primary.events.tell(new ClusterEvent.Exited(this, code, signal, delay != null));
            if (gaveUp) {
                LOG.error("cluster: worker {} crashed {} times within {}; not restarting it", id, crashes.size(),
                        primary.config.crashWindow());
                primary.events.tell(new ClusterEvent.GaveUp(this, crashes.size()));
            }
        }
        if (delay != null) {
            LOG.warn("cluster: worker {} exited ({}); restarting it in {} ms", id,
                    signal != null ? signal : "code " + code, delay.toMillis());
            Duration wait = delay;
            Thread.ofVirtual().name("spindle-cluster-restart-" + id).start(() -> {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
                if (!primary.closing()) {
                    fork();
                }
            });
        }
    }

    /** {@return the delay before restart number {@code crashCount} in the window: doubling from the configured backoff} */
    private Duration backoff(int crashCount) {
        ClusterConfig config = primary.config;
        long millis = config.restartBackoff().toMillis() << Math.min(crashCount - 1, 20);
        return Duration.ofMillis(Math.min(millis, config.maxRestartBackoff().toMillis()));
    }

    /** The cluster closes: ask the process to end (disconnect, or SIGTERM before it said hello). */
    void stop() {
        disconnect();
    }

    /** Waits for the process to exit; kills it at the deadline. */
    void awaitExit(long timeout, TimeUnit unit) {
        Process p;
        synchronized (lock) {
            p = process;
        }
        if (p == null) {
            return;
        }
        try {
            if (!p.waitFor(timeout, unit)) {
                LOG.warn("cluster: worker {} did not exit in time; killing it", id);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public OptionalLong pid() {
        synchronized (lock) {
            return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
        }
    }

    @Override
    public int incarnation() {
        synchronized (lock) {
            return incarnation;
        }
    }

    @Override
    public boolean isConnected() {
        synchronized (lock) {
            return link != null && link.isOpen();
        }
    }

    @Override
    public boolean send(Object message) {
        primary.wire.check(message);
        Link l;
        synchronized (lock) {
            l = link;
        }
        if (l == null || !l.send(Link.MESSAGE, out -> primary.wire.encode(message, out))) {
            undelivered.incrementAndGet();
            return false;
        }
        return true;
    }

    @Override
    public long undelivered() {
        return undelivered.get();
    }

    @Override
    public void disconnect() {
        Link l;
        Process p;
        synchronized (lock) {
            stopRequested = true;
            l = link;
            p = process;
        }
        if (l != null) {
            l.send(Link.DISCONNECT, out -> { });
        } else if (p != null) {
            p.destroy();
        }
    }

    @Override
    public void kill(String signal) {
        Process p;
        synchronized (lock) {
            stopRequested = true;
            p = process;
        }
        if (p == null) {
            return;
        }
        String name = signal.toUpperCase(Locale.ROOT);
        name = name.startsWith("SIG") ? name : "SIG" + name;
        switch (name) {
            case "SIGKILL" -> p.destroyForcibly();
            case "SIGTERM" -> p.destroy();
            default -> {
                try {
                    new ProcessBuilder(List.of("kill", "-s", name.substring(3), Long.toString(p.pid()))).inheritIO().start();
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot send " + name + " to worker " + id, e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Worker[" + id + "]";
    }
}
