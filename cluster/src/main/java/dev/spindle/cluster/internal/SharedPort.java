package dev.spindle.cluster.internal;

import dev.spindle.io.AcceptGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Round-robin balancing: every worker that listens on one address accepts from one listening
 * socket, so one accept queue, and an {@link AcceptGate} deals its connections out in turn.
 *
 * <p><b>One socket.</b> The first worker makes the socket by system calls ({@link Native#listenTcp});
 * every worker holding it then serves its descriptor to newcomers at {@code <key>-<pid>.sock} in the
 * cluster's private directory ({@code SCM_RIGHTS}, a platform thread blocked in {@code accept}). A
 * newcomer takes the key's file lock (held by the process, so a crash releases it), fetches the
 * descriptor from any live holder or, with none, makes the socket, starts serving it, and lets the
 * lock go: two workers never make two sockets. The descriptor becomes a {@code ServerSocketChannel}
 * through {@link System#inheritedChannel()} ({@link Native#asInheritedChannel}), the one public way:
 * hence one round-robin address per worker process. The queue lives while any worker holds the
 * socket, so a worker that stops accepting (a rolling restart) leaves its waiting connections to
 * the others instead of resetting them, as closing an {@code SO_REUSEPORT} socket would.
 *
 * <p><b>Turns.</b> Every waiting worker is woken for each connection, and the first to run would
 * take them all (the kernel's wake-ups are not fair: one worker took 79 of 150 connections from
 * three in a test without what follows). So the workers publish, in a shared mapped file
 * ({@code <key>.turns}), who accepted last, a count of all accepts, and per worker (a 64-byte slot:
 * pid, open connections) how many connections it has open. Before accepting, a worker leaves the
 * queue to the others for a millisecond when its turn is over: it has more than {@link #SLACK}
 * connections above the least loaded (long-lived connections stay even; a new worker takes new
 * connections until it has its share), or it accepted the last connection and another has no more
 * open than it (short ones are dealt in turn, as Node's primary deals them). Somebody's turn is
 * never over: the least loaded that did not accept last. A worker that waits {@link #STUCK_NANOS}
 * while nobody accepts frees the slots of the others that are dead; one that waits
 * {@link #HUNG_NANOS} for others that live (stopped, or a loop that never returns) takes the
 * connection itself, and the next, until another accepts. Not sooner: a worker's first connection
 * takes 60-100 ms of class loading on its listener's loop here, and a 50 ms limit handed the rest of
 * a first burst to the others (49 of 50 connections to one worker in a test, held open for good).
 */
public final class SharedPort {

    private static final Logger LOG = LoggerFactory.getLogger(SharedPort.class);

    /** Open connections a worker may have above the least loaded before its turn is over. */
    public static final long SLACK = 2;
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** How long a worker waits for the others to accept before it looks for dead ones. */
    static final long STUCK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /**
     * How long a worker waits for live others that accept nothing before it takes connections out
     * of turn. Well above a cold worker's first connection (60-100 ms here, class loading on the
     * listener's loop), which must not hand the rest of the first burst to the others.
     */
    static final long HUNG_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final int SLOTS = 64;
    private static final int SLOT_BYTES = 64;
    /** The header's first line: the slot (plus one) that accepted last, and the count of all accepts. */
    private static final int LAST = 0;
    private static final int SEQUENCE = 8;
    private static final int HEADER = 64;
    private static final int PID = 0;
    private static final int OPEN = 8;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /** {@link System#inheritedChannel()} gives one channel per process. */
    private static final AtomicBoolean USED = new AtomicBoolean();

    private SharedPort() {
    }

    /** A shared listening channel and the gate that deals out its connections. */
    public record Shared(ServerSocketChannel channel, Gate gate) {
    }

    /**
     * {@return the listening socket that this cluster's workers share for {@code address}, made if
     * no worker holds it yet}
     *
     * @param directory the cluster's private directory
     * @throws IllegalStateException if this process shares an address already
     */
    public static Shared open(Path directory, InetSocketAddress address, int backlog) throws IOException {
        if (!USED.compareAndSet(false, true)) {
            throw new IllegalStateException("round-robin balancing shares one address per worker (Java turns a "
                    + "descriptor into a channel only through System.inheritedChannel(), once per process): listen on "
                    + address + " with Balancing.REUSE_PORT");
        }
        if (address.isUnresolved()) {
            USED.set(false);
            throw new IllegalArgumentException("an unresolved address: " + address);
        }
        String key = "share-" + address.getAddress().getHostAddress().replaceAll("[^0-9A-Za-z]", "_") + "-"
                + address.getPort();
        long pid = ProcessHandle.current().pid();
        int fd = -1;
        Holder holder = null;
        Turns turns = null;
        int slot = -1;
        int[] output = null;
        try (FileChannel lockFile = FileChannel.open(directory.resolve(key + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            lockFile.lock(); // released as the file closes, or as this process dies
            fd = fetch(directory, key);
            if (fd < 0) {
                fd = listen(address, backlog);
                LOG.debug("cluster: made the shared socket for {}", address);
            }
            turns = Turns.open(directory.resolve(key + ".turns"));
            slot = turns.claim(pid);
            holder = Holder.start(directory.resolve(key + "-" + pid + ".sock"), fd);
            // Closing a channel from System.inheritedChannel() points fds 0, 1 and 2 at /dev/null
            // (the JDK detaches "its" standard streams): keep stdout and stderr to put them back.
            output = new int[] {Native.dup(1), Native.dup(2)};
            ServerSocketChannel channel = Native.asInheritedChannel(fd);
            return new Shared(channel, new Gate(turns, slot, holder, output));
        } catch (IOException | RuntimeException e) {
            if (holder != null) {
                holder.stop();
            } else if (fd >= 0) {
                Native.close(fd);
            }
            if (turns != null) {
                if (slot >= 0) {
                    turns.free(slot, pid);
                }
                turns.close();
            }
            if (output != null) {
                Native.close(output[0]);
                Native.close(output[1]);
            }
            USED.set(false);
            throw e;
        }
    }

    /**
     * {@return a listening socket on {@code address}} The IPv4 wildcard becomes the dual-stack IPv6
     * one where the machine has IPv6, as Java's own listeners do ({@code localhost} is often
     * {@code ::1} first).
     */
    private static int listen(InetSocketAddress address, int backlog) throws IOException {
        if (address.getAddress() instanceof java.net.Inet4Address && address.getAddress().isAnyLocalAddress()) {
            try {
                return Native.listenTcp(new InetSocketAddress(java.net.InetAddress.getByName("::"), address.getPort()),
                        backlog);
            } catch (Native.Failure e) {
                LOG.debug("cluster: no IPv6 wildcard here ({}); IPv4 only", e.getMessage());
            }
        }
        return Native.listenTcp(address, backlog);
    }

    /** {@return the shared descriptor from a live holder, or -1 when there is none} Stale sockets of dead holders are removed. */
    private static int fetch(Path directory, String key) throws IOException {
        try (DirectoryStream<Path> holders = Files.newDirectoryStream(directory, key + "-*.sock")) {
            for (Path path : holders) {
                int connection;
                try {
                    connection = Native.connectUnix(path);
                } catch (Native.Failure e) {
                    if (e.errno == Native.ECONNREFUSED || e.errno == Native.ENOENT) {
                        LOG.debug("cluster: {} is a dead holder's socket: removed", path);
                        Files.deleteIfExists(path);
                    } else {
                        LOG.warn("cluster: could not reach {}: {}", path, e.getMessage());
                    }
                    continue;
                }
                try {
                    return Native.receiveDescriptor(connection);
                } catch (IOException e) {
                    LOG.debug("cluster: {} gave no descriptor", path, e);
                } finally {
                    Native.close(connection);
                }
            }
        }
        return -1;
    }

    /** Serves the shared descriptor to newcomers, on a platform thread blocked in {@code accept}. */
    private static final class Holder {
        private final Path path;
        private final int shared;
        private final int server;
        private volatile boolean stopped;

        private Holder(Path path, int shared, int server) {
            this.path = path;
            this.shared = shared;
            this.server = server;
        }

        static Holder start(Path path, int shared) throws IOException {
            Files.deleteIfExists(path); // a dead process of ours with the same pid, long ago
            Holder holder = new Holder(path, shared, Native.listenUnix(path, 64));
            Thread.ofPlatform().daemon().name("spindle-share-" + path.getFileName()).start(holder::serve);
            return holder;
        }

        /** Whether {@code server} is closed; guarded by this holder's monitor (no blocking call is made under it). */
        private boolean serverClosed;

        private void serve() {
            try {
                while (!stopped) {
                    int connection = Native.accept(server);
                    try {
                        Native.sendDescriptor(connection, shared);
                    } catch (IOException e) {
                        LOG.debug("cluster: a newcomer left before taking the shared socket", e);
                    } finally {
                        Native.close(connection);
                    }
                }
            } catch (IOException e) {
                if (!stopped) {
                    LOG.warn("cluster: {} stopped serving the shared socket", path, e);
                }
            } finally {
                // Nobody may connect to a socket that no longer answers, nor wait on it.
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.debug("cluster: could not remove {}", path, e);
                }
                synchronized (this) {
                    serverClosed = true;
                    Native.close(server);
                }
                Native.close(shared); // here, not in stop(): a newcomer may be taking it
            }
        }

        void stop() {
            stopped = true;
            synchronized (this) {
                if (!serverClosed) {
                    Native.shutdown(server); // wakes the accept, which fails; serve() closes both sockets
                }
            }
        }
    }

    /** The open connections of each holder, shared: one slot per holder process. */
    static final class Turns implements AutoCloseable {
        private final FileChannel file;
        private final MappedByteBuffer map;

        private Turns(FileChannel file, MappedByteBuffer map) {
            this.file = file;
            this.map = map;
        }

        static Turns open(Path path) throws IOException {
            FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            return new Turns(file, file.map(FileChannel.MapMode.READ_WRITE, 0, HEADER + (long) SLOTS * SLOT_BYTES));
        }

        private static int at(int slot, int field) {
            return HEADER + slot * SLOT_BYTES + field;
        }

        long pid(int slot) {
            return (long) LONGS.getVolatile(map, at(slot, PID));
        }

        long open(int slot) {
            return (long) LONGS.getVolatile(map, at(slot, OPEN));
        }

        void setOpen(int slot, long count) {
            LONGS.setRelease(map, at(slot, OPEN), count);
        }

        /** {@return whether {@code slot} accepted the last connection} */
        boolean acceptedLast(int slot) {
            return (long) LONGS.getVolatile(map, LAST) == slot + 1;
        }

        /** {@return a count of all accepts: it moves while somebody accepts} */
        long sequence() {
            return (long) LONGS.getVolatile(map, SEQUENCE);
        }

        void accepted(int slot) {
            LONGS.setRelease(map, LAST, (long) slot + 1);
            LONGS.getAndAdd(map, SEQUENCE, 1L);
        }

        /** Frees {@code slot} if {@code pid} still holds it. */
        void free(int slot, long pid) {
            LONGS.compareAndSet(map, at(slot, PID), pid, 0L);
        }

        /** {@return the slot {@code pid} takes (under the key's lock: claims never race)}; slots of dead processes are freed on the way. */
        int claim(long pid) throws IOException {
            int free = -1;
            for (int slot = 0; slot < SLOTS; slot++) {
                long holder = pid(slot);
                if (holder != 0 && !alive(holder)) {
                    free(slot, holder);
                    holder = 0;
                }
                if (holder == 0 && free < 0) {
                    free = slot;
                }
            }
            if (free < 0) {
                throw new IOException("more than " + SLOTS + " processes share one address");
            }
            setOpen(free, 0);
            LONGS.setVolatile(map, at(free, PID), pid);
            return free;
        }

        @Override
        public void close() {
            try {
                file.close(); // the mapping stays valid until collected; nobody reads it after this
            } catch (IOException e) {
                LOG.debug("cluster: closing the turns file failed", e);
            }
        }
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Deals the shared queue's connections out in turn (see the class comment). {@link #admit} runs on the
     * listener's loop; {@link #released} on the connections' loops, hence the atomic count.
     */
    public static final class Gate implements AcceptGate {
        private final Turns turns;
        private final int slot;
        private final Holder holder;
        /** Copies of this process's stdout and stderr, put back once the channel has closed; null in tests. */
        private final int[] output;
        private final AtomicLong open = new AtomicLong();
        private volatile boolean closed;
        /** Listener's loop only: when this worker began waiting for another to accept, 0 when it is not waiting. */
        private long waitingSince;
        /** Listener's loop only: the others' accepts (all accepts less ours) when last looked at. */
        private long othersSeen;
        private long acceptedHere;

        /** {@code holder} and {@code output}: null in tests of the turns alone. */
        Gate(Turns turns, int slot, Holder holder, int[] output) {
            this.turns = turns;
            this.slot = slot;
            this.holder = holder;
            this.output = output;
        }

        @Override
        public long admit() {
            long least = Long.MAX_VALUE;
            for (int other = 0; other < SLOTS; other++) {
                if (other != slot && turns.pid(other) != 0) {
                    least = Math.min(least, turns.open(other));
                }
            }
            long mine = open.get();
            boolean turnOver = least != Long.MAX_VALUE
                    && (mine - least > SLACK || turns.acceptedLast(slot) && least <= mine);
            if (!turnOver) {
                waitingSince = 0;
                return 0;
            }
            long now = System.nanoTime();
            long others = turns.sequence() - acceptedHere;
            if (waitingSince == 0 || others != othersSeen) {
                waitingSince = now; // another accepted: the others are taking their turns
                othersSeen = others;
                return PAUSE_NANOS;
            }
            if (now - waitingSince < STUCK_NANOS) {
                return PAUSE_NANOS;
            }
            if (freeTheDead()) {
                waitingSince = 0;
                return PAUSE_NANOS; // the next admit deals without them
            }
            if (now - waitingSince < HUNG_NANOS) {
                return PAUSE_NANOS; // alive but slow (busy, or cold): its turn waits for it
            }
            return 0; // alive but hung: take it (and the next, until another accepts)
        }

        /** {@return whether a slot of a process that is gone was freed} */
        private boolean freeTheDead() {
            boolean freed = false;
            for (int other = 0; other < SLOTS; other++) {
                long pid = turns.pid(other);
                if (other != slot && pid != 0 && !alive(pid)) {
                    turns.free(other, pid);
                    freed = true;
                    LOG.debug("cluster: freed the turn of process {}, which is gone", pid);
                }
            }
            return freed;
        }

        @Override
        public boolean drainOnClose() {
            return false; // the queue is the others' too, and outlives this listener
        }

        @Override
        public void accepted() {
            publish(open.incrementAndGet());
            if (!closed) {
                acceptedHere++;
                turns.accepted(slot);
            }
        }

        @Override
        public void released() {
            publish(open.decrementAndGet());
        }

        /**
         * Writes the count itself, not a difference: a write racing another (two loops) or the
         * close (the slot passing to a newcomer) is set right by the next one.
         */
        private void publish(long count) {
            if (!closed) {
                turns.setOpen(slot, count);
            }
        }

        @Override
        public void closed() {
            closed = true;
            turns.free(slot, ProcessHandle.current().pid());
            turns.close();
            if (holder != null) {
                holder.stop();
            }
            if (output != null) {
                try {
                    Native.dup2(output[0], 1);
                    Native.dup2(output[1], 2);
                } catch (IOException e) {
                    LOG.warn("cluster: could not give this process its stdout and stderr back", e);
                } finally {
                    Native.close(output[0]);
                    Native.close(output[1]);
                }
            }
        }

        /** {@return this worker's open connections, as the others see them} */
        long published() {
            return turns.open(slot);
        }
    }
}
