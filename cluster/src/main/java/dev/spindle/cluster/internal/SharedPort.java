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
 * take them all (the kernel's wake-ups are not fair: one worker took 50 of 51 connections in a
 * prototype). So each counts the connections it accepted in a shared mapped file ({@code <key>.turns},
 * one 64-byte slot per holder: pid, count); before accepting, a worker more than {@link #SLACK}
 * ahead of the one furthest behind leaves the queue to it for a millisecond. A worker that stays
 * behind for {@link #STUCK_NANOS} without accepting (too busy, stopped, or dead: then its slot is
 * freed) no longer holds the others back. A newcomer starts level with the one furthest behind.
 */
public final class SharedPort {

    private static final Logger LOG = LoggerFactory.getLogger(SharedPort.class);

    /** Connections a worker may be ahead of the one furthest behind before it waits its turn. */
    public static final long SLACK = 4;
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    static final long STUCK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    static final int SLOTS = 64;
    private static final int SLOT_BYTES = 64;
    private static final int PID = 0;
    private static final int ACCEPTED = 8;
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
        String key = "share-" + address.getAddress().getHostAddress().replaceAll("[^0-9A-Za-z]", "_") + "-"
                + address.getPort();
        long pid = ProcessHandle.current().pid();
        int fd = -1;
        Holder holder = null;
        Turns turns = null;
        try (FileChannel lockFile = FileChannel.open(directory.resolve(key + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            lockFile.lock(); // released as the file closes, or as this process dies
            fd = fetch(directory, key);
            if (fd < 0) {
                fd = Native.listenTcp(address, backlog);
                LOG.debug("cluster: made the shared socket for {}", address);
            }
            turns = Turns.open(directory.resolve(key + ".turns"));
            int slot = turns.claim(pid);
            holder = Holder.start(directory.resolve(key + "-" + pid + ".sock"), fd);
            ServerSocketChannel channel = Native.asInheritedChannel(fd);
            return new Shared(channel, new Gate(turns, slot, holder));
        } catch (IOException | RuntimeException e) {
            if (holder != null) {
                holder.stop();
            } else if (fd >= 0) {
                Native.close(fd);
            }
            if (turns != null) {
                turns.close();
            }
            USED.set(false);
            throw e;
        }
    }

    /** {@return the shared descriptor from a live holder, or -1 when there is none} Stale sockets of dead holders are removed. */
    private static int fetch(Path directory, String key) throws IOException {
        try (DirectoryStream<Path> holders = Files.newDirectoryStream(directory, key + "-*.sock")) {
            for (Path path : holders) {
                int connection;
                try {
                    connection = Native.connectUnix(path);
                } catch (IOException refused) {
                    LOG.debug("cluster: {} is a dead holder's socket: removed", path);
                    Files.deleteIfExists(path);
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
                Native.close(server);
                Native.close(shared); // here, not in stop(): a newcomer may be taking it
            }
        }

        void stop() {
            stopped = true;
            Native.shutdown(server); // wakes the accept, which fails; serve() closes both sockets
        }
    }

    /** The shared count of connections each holder accepted: one slot per holder process. */
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
            return new Turns(file, file.map(FileChannel.MapMode.READ_WRITE, 0, (long) SLOTS * SLOT_BYTES));
        }

        long pid(int slot) {
            return (long) LONGS.getVolatile(map, slot * SLOT_BYTES + PID);
        }

        long accepted(int slot) {
            return (long) LONGS.getVolatile(map, slot * SLOT_BYTES + ACCEPTED);
        }

        void setAccepted(int slot, long count) {
            LONGS.setRelease(map, slot * SLOT_BYTES + ACCEPTED, count);
        }

        /** Frees {@code slot} if {@code pid} still holds it. */
        void free(int slot, long pid) {
            LONGS.compareAndSet(map, slot * SLOT_BYTES + PID, pid, 0L);
        }

        /**
         * {@return the slot {@code pid} takes (under the key's lock: claims never race)}, its count
         * level with the holder furthest behind; slots of dead processes are freed on the way.
         */
        int claim(long pid) throws IOException {
            int free = -1;
            long least = Long.MAX_VALUE;
            for (int slot = 0; slot < SLOTS; slot++) {
                long holder = pid(slot);
                if (holder != 0 && !alive(holder)) {
                    free(slot, holder);
                    holder = 0;
                }
                if (holder == 0) {
                    free = free < 0 ? slot : free;
                } else {
                    least = Math.min(least, accepted(slot));
                }
            }
            if (free < 0) {
                throw new IOException("more than " + SLOTS + " processes share one address");
            }
            setAccepted(free, least == Long.MAX_VALUE ? 0 : least);
            LONGS.setVolatile(map, free * SLOT_BYTES + PID, pid);
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

    /** Loop-confined (the listener's loop). Deals the shared queue's connections out in turn. */
    public static final class Gate implements AcceptGate {
        private final Turns turns;
        private final int slot;
        private final Holder holder;
        private long accepted;
        /** When this worker began waiting for {@code behind}, 0 when it is not waiting. */
        private long waitingSince;
        private long behindCount;

        /** {@code holder}: null in tests of the turns alone. */
        Gate(Turns turns, int slot, Holder holder) {
            this.turns = turns;
            this.slot = slot;
            this.holder = holder;
            this.accepted = turns.accepted(slot);
        }

        @Override
        public long admit() {
            int behind = -1;
            long least = Long.MAX_VALUE;
            for (int other = 0; other < SLOTS; other++) {
                if (other != slot && turns.pid(other) != 0) {
                    long count = turns.accepted(other);
                    if (count < least) {
                        least = count;
                        behind = other;
                    }
                }
            }
            if (behind < 0 || accepted - least <= SLACK) {
                waitingSince = 0;
                return 0;
            }
            long now = System.nanoTime();
            if (waitingSince == 0 || least != behindCount) {
                waitingSince = now; // it took one: it is taking its turns
                behindCount = least;
                return PAUSE_NANOS;
            }
            if (now - waitingSince < STUCK_NANOS) {
                return PAUSE_NANOS;
            }
            long pid = turns.pid(behind);
            if (pid != 0 && !alive(pid)) {
                turns.free(behind, pid);
                LOG.debug("cluster: freed the turn of process {}, which is gone", pid);
            }
            return 0; // and go on accepting until it takes one
        }

        @Override
        public void accepted() {
            turns.setAccepted(slot, ++accepted);
        }

        @Override
        public void closed() {
            turns.free(slot, ProcessHandle.current().pid());
            turns.close();
            if (holder != null) {
                holder.stop();
            }
        }

        /** {@return connections this worker accepted, as the others see it} */
        long count() {
            return turns.accepted(slot);
        }
    }
}
