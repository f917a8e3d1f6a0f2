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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One worker slot of the primary: its processes (one {@link Life} each: the current one, and
 * during a rolling restart the one it replaces), their links once they said hello, and the restart
 * policy. State changes under {@link #lock}, so the events of one process are told in order
 * (events are {@code tell}s): Forked, Online, ..., Disconnected, Exited. The lock is held around
 * nothing that blocks but the fork itself, so that starting a process and recording it are one
 * step: every process the slot starts is current, a rolling restart's replacement, or asked to end.
 */
final class WorkerSlot implements Worker {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerSlot.class);
    private static final Map<Integer, String> SIGNALS = Map.of(1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 6, "SIGABRT",
            9, "SIGKILL", 11, "SIGSEGV", 13, "SIGPIPE", 14, "SIGALRM", 15, "SIGTERM");

    private final PrimaryImpl primary;
    private final int id;
    private final Object lock = new Object();
    private final AtomicLong undelivered = new AtomicLong();
    // ---- written under lock; `current` and a life's `link` are volatile so that send, the hot path,
    // reads them without it ----
    /** The process {@link #send} speaks to; null when none runs. */
    private volatile Life current;
    /** Every process of this slot not yet exited. */
    private final List<Life> lives = new ArrayList<>();
    private int incarnations;
    private boolean gaveUp;
    private final ArrayDeque<Long> crashes = new ArrayDeque<>();

    /** One process of this slot, from its fork to its exit. Fields guarded by the slot's lock. */
    private final class Life {
        final int number;
        final Path rings;
        final ShmRing up;
        final ShmRing down;
        Process process;
        volatile Link link;
        /** Asked to end (disconnect, kill, cluster close, replaced): its exit is not a crash. */
        boolean stopRequested;
        boolean disconnectedTold;
        final CompletableFuture<Void> listening = new CompletableFuture<>();
        /** Completes with how the process ended ("code 3", "SIGKILL"). */
        final CompletableFuture<String> exited = new CompletableFuture<>();
        /** Why its link ended, or its hello was refused: for the message of a process that ends before it listens. */
        volatile String linkEnd;
        /** Told {@link ClusterEvent.Unresponsive} for its present silence. Heartbeat thread only. */
        boolean silenceTold;

        Life(int number, Path rings, ShmRing up, ShmRing down) {
            this.number = number;
            this.rings = rings;
            this.up = up;
            this.down = down;
        }
    }

    WorkerSlot(PrimaryImpl primary, int id) {
        this.primary = primary;
        this.id = id;
    }

    /**
     * Starts a process for this slot into an empty place (the cluster's start, a restart after a
     * crash); nothing if a process is current already (a rolling restart filled the place first).
     */
    void fork() {
        start(false);
    }

    /**
     * A rolling restart's step: starts a new process beside the current one; once the new one
     * listens, it becomes current and the process current then (the old one, or one restarted
     * after the old one crashed meanwhile) is disconnected (it drains and exits). Into an empty
     * place the new process is current at once. One at a time per slot ({@link PrimaryImpl} runs
     * one rolling restart at a time).
     *
     * @return completes when the process it replaced has exited; exceptionally if the new one exited
     *         before it listened
     */
    CompletionStage<Void> replace() {
        Life next = start(true);
        if (next == null) {
            return CompletableFuture.failedFuture(new IOException(primary.closing() ? "the cluster is closing"
                    : "cannot start a new process for worker " + id));
        }
        CompletableFuture<Void> step = new CompletableFuture<>();
        next.exited.thenAccept(how -> {
            if (!next.listening.isDone()) {
                step.completeExceptionally(new IOException("the new process of worker " + id + " (pid "
                        + next.process.pid() + ") exited (" + how + ") before it listened; its link: "
                        + (next.linkEnd != null ? next.linkEnd : next.link != null ? "open" : "never admitted")));
            }
        });
        next.listening.thenRun(() -> {
            Life previous;
            boolean gone;
            synchronized (lock) {
                gone = !lives.contains(next); // exited as it listened: the place stays as it is
                previous = current;
                if (!gone) {
                    current = next;
                }
            }
            if (gone) {
                step.completeExceptionally(new IOException("the new process of worker " + id + " (pid "
                        + next.process.pid() + ") exited as it listened"));
            } else if (previous == null || previous == next) {
                step.complete(null);
            } else {
                stop(previous);
                previous.exited.thenRun(() -> step.complete(null));
            }
        });
        return step;
    }

    /**
     * Forks a process, its rings and its record as one step under the lock, so that no process is
     * ever started that the slot does not track: none once the cluster closes ({@link #stop}
     * copies {@link #lives} under the lock after the primary says it is closing), and without
     * {@code replace} none while a process is current.
     *
     * @param replace start beside the current process (it takes the place once it listens), or
     *        into the empty place if there is none; otherwise only into an empty place
     * @return the new process, or null if none was started
     */
    private Life start(boolean replace) {
        ProcessBuilder builder = new ProcessBuilder(Launch.command(primary.config)).inheritIO();
        Path logs = primary.config.workerLogs();
        if (logs != null) {
            try {
                Files.createDirectories(logs);
                builder.redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("worker-" + id + ".log").toFile()));
            } catch (IOException e) {
                LOG.warn("cluster: cannot write worker {}'s output to {}; it goes to the primary's", id, logs, e);
            }
        }
        Life life;
        boolean gaveUpNow = false;
        try {
            synchronized (lock) {
                if (primary.closing() || !replace && current != null) {
                    return null;
                }
                boolean replacing = current != null;
                int number = ++incarnations;
                Path rings = primary.directory.resolve("worker-" + id + "." + number);
                builder.environment().put(Cluster.WORKER_ID_ENV, Integer.toString(id));
                builder.environment().put(WorkerImpl.INCARNATION_ENV, Integer.toString(number));
                builder.environment().put(WorkerImpl.SOCKET_ENV, primary.socket.toString());
                builder.environment().put(WorkerImpl.SECRET_ENV, primary.secretHex());
                builder.environment().put(WorkerImpl.RINGS_ENV, rings.toString());
                builder.environment().put(WorkerImpl.BALANCING_ENV, primary.config.balancing().name());
                ShmRing up = null;
                ShmRing down = null;
                try {
                    int capacity = Link.ringCapacity(primary.config.maxFrameBytes());
                    up = ShmRing.create(WorkerImpl.up(rings), capacity);
                    down = ShmRing.create(WorkerImpl.down(rings), capacity);
                    life = new Life(number, rings, up, down);
                    life.process = builder.start();
                } catch (IOException e) {
                    closeRings(up, down, rings);
                    LOG.error("cluster: cannot start worker {}: {}", id, String.join(" ", builder.command()), e);
                    if (!replacing) {
                        gaveUp = true;
                        gaveUpNow = true;
                        primary.events.tell(new ClusterEvent.GaveUp(this, crashes.size()));
                    }
                    return null;
                }
                lives.add(life);
                if (!replacing) {
                    current = life;
                }
                primary.events.tell(new ClusterEvent.Forked(this, life.process.pid()));
            }
        } finally {
            if (gaveUpNow) {
                afterGivingUp();
            }
        }
        life.process.onExit().thenAccept(p -> exited(life));
        return life;
    }

    /** A worker process said hello with the secret: its link is its life's. */
    void online(Link hello, int number) throws IOException {
        synchronized (lock) {
            Life life = find(number);
            if (life == null || life.link != null || !life.process.isAlive()) {
                IOException refused = new IOException("a hello for worker " + id + " process " + number
                        + " that is not waiting for one (" + (life == null ? "no such process"
                        : life.link != null ? "a second hello" : "its process exited") + ")");
                if (life != null) {
                    life.linkEnd = "hello refused: " + refused.getMessage();
                }
                throw refused;
            }
            life.link = hello;
            hello.attach(life.up, life.down);
            primary.events.tell(new ClusterEvent.Online(this));
        }
    }

    private Life find(int number) {
        for (Life life : lives) {
            if (life.number == number) {
                return life;
            }
        }
        return null;
    }

    private Life lifeOf(Link link) {
        for (Life life : lives) {
            if (life.link == link) {
                return life;
            }
        }
        return null;
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
                // Under the lock, unlike send: Disconnected may be told from another thread (the
                // process's exit), and no Message of that process may follow it. Uncontended but
                // at exits, and it holds nothing that blocks (a tell).
                synchronized (lock) {
                    if (lifeOf(from) != null) {
                        primary.events.tell(new ClusterEvent.Message(this, message));
                    }
                }
            }
            case Link.LISTENING -> {
                String host = body.readUTF();
                int port = body.readInt();
                Life life;
                synchronized (lock) {
                    life = lifeOf(from);
                    if (life != null) {
                        primary.events.tell(new ClusterEvent.Listening(this, new InetSocketAddress(host, port)));
                    }
                }
                if (life != null) {
                    life.listening.complete(null);
                }
            }
            case Link.TELL -> {
                int target = body.readInt();
                if (target == Node.PRIMARY) {
                    primary.receiveTell(body.readUTF(), body);
                } else {
                    primary.relay(target, body.readAllBytes());
                }
            }
            default -> throw new IOException("a frame of kind " + kind + " from worker " + id);
        }
    }

    void linkClosed(Link closed, IOException cause) {
        undelivered.addAndGet(closed.undelivered());
        synchronized (lock) {
            Life life = lifeOf(closed);
            if (life != null) {
                life.linkEnd = cause == null ? "closed" : "closed: " + cause;
                life.link = null;
                tellDisconnected(life);
            }
        }
    }

    private void tellDisconnected(Life life) {
        if (!life.disconnectedTold) {
            life.disconnectedTold = true;
            primary.events.tell(new ClusterEvent.Disconnected(this));
        }
    }

    private void exited(Life life) {
        Process ended = life.process;
        int code = ended.exitValue();
        String signal = code > 128 && code < 128 + 32 ? SIGNALS.getOrDefault(code - 128, "SIG" + (code - 128)) : null;
        Link gone;
        synchronized (lock) {
            gone = life.link;
            life.link = null;
        }
        if (gone != null) {
            gone.close(); // its linkClosed finds no life with that link: no event from there
        }
        closeRings(life.up, life.down, life.rings);
        Duration delay = null;
        boolean givingUp = false;
        synchronized (lock) {
            tellDisconnected(life);
            lives.remove(life);
            boolean wasCurrent = current == life;
            if (wasCurrent) {
                current = null;
            }
            if (wasCurrent && !life.stopRequested && !primary.closing()) {
                long now = System.nanoTime();
                crashes.addLast(now);
                while (now - crashes.peekFirst() > primary.config.crashWindow().toNanos()) {
                    crashes.pollFirst();
                }
                if (crashes.size() > primary.config.maxRestarts()) {
                    gaveUp = true;
                    givingUp = true;
                } else {
                    delay = backoff(crashes.size());
                }
            }
            primary.events.tell(new ClusterEvent.Exited(this, ended.pid(), code, signal, delay != null));
            if (givingUp) {
                LOG.error("cluster: worker {} crashed {} times within {}; not restarting it", id, crashes.size(),
                        primary.config.crashWindow());
                primary.events.tell(new ClusterEvent.GaveUp(this, crashes.size()));
            }
        }
        life.exited.complete(signal != null ? signal : "code " + code);
        if (givingUp) {
            afterGivingUp();
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

    /**
     * Outside the lock (the primary looks at every slot): tells the primary, and with a cool-down
     * configured tries this worker again after it, its crash count cleared.
     */
    private void afterGivingUp() {
        primary.gaveUp();
        Duration coolDown = primary.config.retryGivenUpAfter();
        if (coolDown == null) {
            return;
        }
        Thread.ofVirtual().name("spindle-cluster-retry-" + id).start(() -> {
            try {
                Thread.sleep(coolDown);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (lock) {
                if (primary.closing() || !gaveUp) {
                    return;
                }
                gaveUp = false;
                crashes.clear();
            }
            primary.retrying();
            LOG.warn("cluster: trying worker {} again after a cool-down of {} ms", id, coolDown.toMillis());
            fork();
        });
    }

    /** {@return the delay before restart number {@code crashCount} in the window: doubling from the configured backoff} */
    private Duration backoff(int crashCount) {
        ClusterConfig config = primary.config;
        long millis = config.restartBackoff().toMillis() << Math.min(crashCount - 1, 20);
        return Duration.ofMillis(Math.min(millis, config.maxRestartBackoff().toMillis()));
    }

    /** The cluster closes: every process of the slot is asked to end. */
    void stop() {
        List<Life> all;
        synchronized (lock) {
            all = List.copyOf(lives);
        }
        for (Life life : all) {
            stop(life);
        }
    }

    /** Asks {@code life} to end: disconnect, or SIGTERM before it said hello. */
    private void stop(Life life) {
        Link l;
        Process p;
        synchronized (lock) {
            life.stopRequested = true;
            l = life.link;
            p = life.process;
        }
        if (l == null || l.send(Link.DISCONNECT, out -> { }) != Link.Sent.SENT) {
            p.destroy(); // a process too far behind to read it (stopped, say) is ended at the deadline
        }
    }

    /** Waits for the slot's processes to exit; kills them at the deadline. */
    void awaitExit(long timeout, TimeUnit unit) {
        List<Life> all;
        synchronized (lock) {
            all = List.copyOf(lives);
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Life life : all) {
            Process p = life.process;
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    LOG.warn("cluster: worker {} (pid {}) did not exit in time; killing it", id, p.pid());
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public OptionalLong pid() {
        synchronized (lock) {
            return current == null ? OptionalLong.empty() : OptionalLong.of(current.process.pid());
        }
    }

    @Override
    public int incarnation() {
        synchronized (lock) {
            return current == null ? incarnations : current.number;
        }
    }

    @Override
    public boolean isConnected() {
        Link l = currentLink();
        return l != null && l.isOpen();
    }

    /** {@return the current process's link, or null} Lock-free: the hot path of every send. */
    private Link currentLink() {
        Life life = current;
        return life == null ? null : life.link;
    }

    /** Sends a frame to the current process; {@return whether it reached its ring} */
    Link.Sent sendFrame(int kind, Link.Body frame) {
        Link l = currentLink();
        return l == null ? Link.Sent.CLOSED : l.send(kind, frame);
    }

    @Override
    public boolean send(Object message) {
        return primary.sendMessage(currentLink(), id, message, undelivered);
    }

    /** A process of this slot left its ring full for the send timeout: told once per stall. */
    void stalled(Link link) {
        synchronized (lock) {
            Life life = lifeOf(link);
            if (life != null && !life.disconnectedTold) {
                primary.events.tell(new ClusterEvent.Overflow(this));
            }
        }
    }

    /**
     * The heartbeat thread's visit: pings every process of the slot that is online, and tells
     * {@link ClusterEvent.Unresponsive} about one silent for the liveness timeout (killing it if
     * the policy says so; its exit is then a crash, restarted as any other).
     */
    void heartbeat(long now) {
        ClusterConfig.Liveness liveness = primary.config.liveness();
        List<Life> online;
        synchronized (lock) {
            online = lives.stream().filter(l -> l.link != null).toList();
        }
        for (Life life : online) {
            Link l = life.link;
            if (l == null) {
                continue;
            }
            l.trySend(Link.PING, out -> { });
            long silent = l.silentNanos(now);
            if (silent < liveness.timeout().toNanos()) {
                life.silenceTold = false;
                continue;
            }
            if (life.silenceTold) {
                continue;
            }
            life.silenceTold = true;
            boolean kill = liveness.onUnresponsive() == ClusterConfig.OnUnresponsive.RESTART;
            Duration silence = Duration.ofNanos(silent);
            LOG.error("cluster: worker {} (pid {}) has written nothing for {} ms, not even an answer to a ping{}", id,
                    life.process.pid(), silence.toMillis(), kill ? "; killing it (SIGKILL), it is restarted" : "");
            synchronized (lock) {
                if (!lives.contains(life) || life.disconnectedTold) {
                    continue;
                }
                primary.events.tell(new ClusterEvent.Unresponsive(this, life.process.pid(), silence, kill));
            }
            if (kill) {
                life.process.destroyForcibly(); // SIGKILL: a stopped process ends too
            }
        }
    }

    @Override
    public long undelivered() {
        return undelivered.get();
    }

    @Override
    public void disconnect() {
        Life life;
        synchronized (lock) {
            life = current;
        }
        if (life != null) {
            stop(life);
        }
    }

    @Override
    public void kill(String signal) {
        Process p;
        synchronized (lock) {
            if (current == null) {
                return;
            }
            current.stopRequested = true;
            p = current.process;
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
