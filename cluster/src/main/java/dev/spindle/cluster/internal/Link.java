package dev.spindle.cluster.internal;

import dev.spindle.actors.spi.ActorHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Thread-safe {@link #send}. One end of an IPC link between two processes of a cluster: a Unix
 * domain socket for the hello, for wake-ups and for noticing that the other process has gone, and
 * two {@link ShmRing}s in shared memory for the frames, one each way.
 *
 * <pre>
 *  writer (any thread)  ──offer──► out ring (mmap) ──► the other process's reader
 *        └─ it was asleep? one byte on the socket wakes it
 *  reader (a platform thread, an ActorHost): poll the in ring ─► handler ─► actors' turns run here
 *        └─ nothing for SPIN_NANOS: sleep in a blocking read of the socket; EOF = the peer is gone
 * </pre>
 *
 * Before the rings are attached (the primary, until a worker's hello) a virtual thread reads
 * socket frames {@code [int length][byte kind][body]}. Frames from one sending thread arrive in the
 * order sent. A frame over the limit, or one its handler cannot read, closes the link with an error
 * logged, and nothing else; frames the peer never read are counted in {@link #undelivered()}.
 *
 * <p>A send never waits for ever: for room in a full ring at most the send timeout, after which
 * the link is <em>stalled</em> and every send fails at once ({@link Sent#FULL}) until the peer has
 * read enough for one to fit. The reader answers a {@link #PING} with a {@link #PONG} itself, and
 * {@link #silentNanos} tells a heartbeat how long the peer has written nothing.
 */
final class Link {

    private static final Logger LOG = LoggerFactory.getLogger(Link.class);

    /** Worker to primary, on the socket, first: {@code int workerId, int incarnation, int secretLength, byte[] secret}. */
    static final int HELLO = 1;
    /** Either way: a message, {@code int wireId} then its codec's bytes. */
    static final int MESSAGE = 2;
    /** Worker to primary: {@code UTF host, int port}. */
    static final int LISTENING = 3;
    /** Primary to worker: stop gracefully. No body. */
    static final int DISCONNECT = 4;
    /** Either way: the sender closes the link after this; the receiver closes it on reading it. No body. */
    static final int BYE = 5;
    /** Either way: a message for an exposed actor: {@code int targetProcess, UTF name}, then the message. */
    static final int TELL = 6;
    /** Primary to worker: are you there? The link's reader answers {@link #PONG}. No body. */
    static final int PING = 7;
    /** Worker to primary: the answer to a {@link #PING}; only its arrival counts. No body. */
    static final int PONG = 8;

    /** What became of a frame handed to {@link #send}. */
    enum Sent {
        /** In the ring: the peer reads it unless it goes first. */
        SENT,
        /** The link is closed (or not yet on rings): the frame is counted as undelivered. */
        CLOSED,
        /** The ring stayed full for the send timeout, or the link is stalled: the frame is dropped. */
        FULL
    }

    /** How long a reader that found nothing spins before it sleeps: an answer within it costs no wake-up. */
    static final long SPIN_NANOS = Long.getLong("spindle.cluster.spinMicros", 50) * 1000;

    /** What reads the frames of a link; called on its reader thread. */
    interface Handler {
        /** One frame; what it throws closes the link as malformed. */
        void onFrame(int kind, DataInputStream body) throws IOException;

        /** The link closed, {@code cause} null if orderly; called once. */
        void onClosed(IOException cause);

        /**
         * The peer left the ring full for the send timeout: sends are dropped until it reads.
         * Called once per stall, on the thread whose send found it (logged by the link already).
         */
        default void onStalled() {
        }
    }

    /** Writes a frame's body. */
    @FunctionalInterface
    interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static final ByteBuffer DOORBELL = ByteBuffer.wrap(new byte[] {1}).asReadOnlyBuffer();

    private final SocketChannel channel;
    private final int maxFrame;
    private final long sendTimeoutNanos;
    private final String name;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong undelivered = new AtomicLong();
    /** Frames dropped because the ring was full ({@link Sent#FULL}). */
    private final AtomicLong overflowed = new AtomicLong();
    /**
     * The peer left the ring full for the send timeout: sends do not wait. Set by the CAS that
     * reports the stall; cleared once the peer has read since (its head moved), not when a small
     * frame happens to fit (a heartbeat's ping would end every stall). A healthy link's sends
     * only read it.
     */
    private final AtomicBoolean stalled = new AtomicBoolean();
    /** The peer's head in the out ring when the stall began. Benign race: two stalling senders write near values. */
    private volatile long stalledHead;
    // ---- the owning slot's actor only (its heartbeat) ----
    private long seenTail = -1;
    private long seenHead = -1;
    private long progressAt;
    private volatile Handler handler;
    private volatile ShmRing in;
    private volatile ShmRing out;
    /** The process's IPC counts, shared by its links. */
    private final IpcCounters counters;

    Link(SocketChannel channel, int maxFrame, java.time.Duration sendTimeout, String name, IpcCounters counters) {
        this.counters = counters;
        this.channel = channel;
        this.maxFrame = maxFrame;
        this.sendTimeoutNanos = sendTimeout.toNanos();
        this.name = name;
    }

    /** {@return the ring capacity for frames of up to {@code maxFrame} bytes: a power of two, at least 64 KiB} */
    static int ringCapacity(int maxFrame) {
        long need = 2L * (maxFrame + ShmRing.RECORD_HEADER + 8);
        return (int) Math.max(64 * 1024, Long.highestOneBit(need - 1) << 1);
    }

    /** The primary: reads socket frames (the hello) until {@link #attach} moves the link onto rings. */
    void startOnSocket(Handler frames) {
        this.handler = frames;
        Thread.ofVirtual().name(name + "-hello").start(this::readSocketFrames);
    }

    /** A worker: frames go through {@code in} and {@code out} from the start. */
    void startOnRings(ShmRing inbound, ShmRing outbound, Handler frames) {
        this.handler = frames;
        attach(inbound, outbound);
    }

    /** Moves the link onto the rings: the reader thread starts. Called once. */
    void attach(ShmRing inbound, ShmRing outbound) {
        this.out = outbound;
        this.in = inbound;
        startReader();
    }

    private void startReader() {
        Thread.ofPlatform().daemon().name(name + "-reader").start(() -> {
            ActorHost host = ActorHost.create(stuck -> {
                LOG.info("IPC link {}: {} while running on the link's reader, which read no frame meanwhile; reading "
                        + "goes on on a new thread, and that actor runs on threads of its own for a while. If it "
                        + "computes, move the work to ctx.offload(...); blocking is allowed, at this cost each time",
                        name, stuck);
                startReader();
            });
            host.run(() -> readRings(host));
        });
    }

    /** Writes a frame on the socket, before rings (the worker's hello). */
    void sendOnSocket(int kind, Body body) throws IOException {
        ByteBuffer frame = ByteBuffer.wrap(encode(kind, body, true));
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
    }

    /**
     * Sends a frame of {@code kind} with the body {@code body} writes. While the ring is full (the
     * other process is behind) it waits for room, at most the send timeout; past it the link is
     * stalled and later sends do not wait until one fits again.
     *
     * @return {@link Sent#SENT}; {@link Sent#CLOSED} if the link is closed (the frame is counted
     *         as undelivered); {@link Sent#FULL} if the ring had no room in time (counted in
     *         {@link #overflowed()})
     * @throws IllegalArgumentException if the frame is over the limit, or the body cannot be written
     */
    Sent send(int kind, Body body) {
        return send(kind, body, true);
    }

    /** Like {@link #send(int, Body)}, never waiting for room: a heartbeat's ping and pong. */
    Sent trySend(int kind, Body body) {
        return send(kind, body, false);
    }

    private Sent send(int kind, Body body, boolean mayWait) {
        ShmRing ring = out;
        if (closed.get() || ring == null) {
            undelivered.incrementAndGet();
            return Sent.CLOSED;
        }
        byte[] frame = encode(kind, body, false);
        if (!ring.offer(kind, frame, 0, frame.length)) {
            Sent failed = mayWait && !stillStalled(ring) ? awaitRoom(ring, kind, frame) : Sent.FULL;
            if (failed != Sent.SENT) {
                if (failed == Sent.FULL) {
                    overflowed.incrementAndGet();
                } else {
                    undelivered.incrementAndGet();
                }
                return failed;
            }
        }
        counters.sent(frame.length);
        if (stalled.get()) {
            stillStalled(ring);
        }
        if (ring.claimWakeUp()) {
            try {
                channel.write(DOORBELL.duplicate());
            } catch (IOException e) {
                close(e); // the peer has gone: what it did not read is counted at close
            }
        }
        return Sent.SENT;
    }

    /** {@return whether the link is stalled and the peer has read nothing since} One that has read ends the stall. */
    private boolean stillStalled(ShmRing ring) {
        if (!stalled.get()) {
            return false;
        }
        if (ring.head() == stalledHead) {
            return true;
        }
        if (stalled.compareAndSet(true, false)) {
            LOG.info("IPC link {}: the other process reads again; {} frames were dropped so far", name, overflowed.get());
        }
        return false;
    }

    /** Waits for room for {@code frame}, at most the send timeout; then the link is stalled. */
    private Sent awaitRoom(ShmRing ring, int kind, byte[] frame) {
        long deadline = System.nanoTime() + sendTimeoutNanos;
        int idle = 0;
        do {
            if (closed.get()) {
                return Sent.CLOSED;
            }
            if (++idle < 100) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(50_000);
            }
            if (ring.offer(kind, frame, 0, frame.length)) {
                return Sent.SENT;
            }
        } while (System.nanoTime() - deadline < 0 && !stalled.get());
        stalledHead = ring.head();
        if (stalled.compareAndSet(false, true)) {
            LOG.warn("IPC link {}: the other process left the ring full for {} ms; messages to it are dropped, and "
                    + "counted, until it reads again. A hung process is found by the liveness check "
                    + "(ClusterConfig.liveness) and restarted; one that is only slow needs less sent to it, or a longer "
                    + "ClusterConfig.sendTimeout to ride out its pauses", name, sendTimeoutNanos / 1_000_000);
            Handler h = handler;
            if (h != null) {
                h.onStalled();
            }
        }
        return Sent.FULL;
    }

    /** {@return frames dropped because the ring was full} */
    long overflowed() {
        return overflowed.get();
    }

    /**
     * The owning slot's actor only (its heartbeat), once the rings are attached: {@return for how long the peer has
     * written nothing into the ring this end reads, and this end has read nothing of it} News is
     * the tail moving (the peer claimed room: a live peer answers every ping) or the head moving
     * (this end reads what the peer wrote before: a reader that is behind must not take the peer
     * for silent). Not "records wait to be read": a process stopped (SIGSTOP) between claiming
     * and publishing a record, or between publishing it and waking the sleeping reader, leaves
     * records that wait for ever; both happened in the tests, and passed for alive.
     */
    long silentNanos(long now) {
        ShmRing ring = in;
        long tail = ring.tail();
        long head = ring.head();
        if (tail != seenTail || head != seenHead) {
            seenTail = tail;
            seenHead = head;
            progressAt = now;
        }
        return now - progressAt;
    }

    private byte[] encode(int kind, Body body, boolean framed) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        DataOutputStream data = new DataOutputStream(bytes);
        try {
            if (framed) {
                data.writeInt(0);
                data.writeByte(kind);
            }
            body.write(data);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode a frame for " + name + ": " + e.getMessage(), e);
        }
        byte[] frame = bytes.toByteArray();
        int length = framed ? frame.length - Integer.BYTES : frame.length;
        if (length > maxFrame) {
            throw new IllegalArgumentException("a frame of " + length + " bytes is over the limit of " + maxFrame);
        }
        if (framed) {
            ByteBuffer.wrap(frame).putInt(0, length);
        }
        return frame;
    }

    /** Sends {@link #BYE}: the other side closes the link once it has read everything before it. */
    void closeAfterSent() {
        if (out == null || send(BYE, data -> { }) != Sent.SENT) {
            close(null); // the peer cannot read it: no point waiting for it to close
        }
    }

    /** Closes the link now. */
    void close() {
        close(null);
    }

    boolean isOpen() {
        return !closed.get();
    }

    /** {@return frames sent on this link that the other side never read} */
    long undelivered() {
        return undelivered.get();
    }

    private void close(IOException cause) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing: nothing more to do with it.
        }
        ShmRing ring = out;
        if (ring != null) {
            undelivered.addAndGet(ring.unread());
        }
        Handler h = handler;
        if (h != null) {
            h.onClosed(cause);
        }
    }

    /** The reader on rings: poll, run the hosted turns, spin a while when idle, then sleep on the socket. */
    private void readRings(ActorHost host) {
        ShmRing ring = in;
        ByteBuffer bell = ByteBuffer.allocate(64);
        long lastWork = System.nanoTime();
        try {
            while (!closed.get()) {
                int read = ring.poll(this::onRecord, 256);
                if (!host.runHosted()) {
                    return; // detached: another thread reads now
                }
                if (read > 0) {
                    lastWork = System.nanoTime();
                    continue;
                }
                if (System.nanoTime() - lastWork < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                if (!ring.prepareToSleep()) {
                    continue;
                }
                bell.clear();
                int n = channel.read(bell); // a writer's wake-up byte, or the end: the peer has gone
                ring.awake();
                if (n < 0) {
                    close(null);
                    return;
                }
                lastWork = System.nanoTime();
            }
        } catch (ClosedChannelException e) { // closed by us, or while we read
            close(null);
        } catch (IOException e) {
            if (isOpen()) {
                LOG.error("IPC link {}: {}; closing it", name, e.getMessage());
            }
            close(e);
        } catch (RuntimeException e) {
            LOG.error("IPC link {}: a frame its handler could not read; closing it", name, e);
            close(new IOException(e));
        } finally {
            host.release();
        }
    }

    private boolean onRecord(int kind, ByteBuffer buffer, int offset, int length) {
        if (closed.get()) {
            return false; // left in the ring: the writer counts it as undelivered
        }
        counters.received(length);
        if (kind == BYE) {
            close(null);
            return true;
        }
        if (kind == PING) {
            trySend(PONG, data -> { }); // full: the primary has unread frames of ours, news enough
            return true;
        }
        if (kind == PONG) {
            return true; // its arrival moved the ring's tail: that is all the heartbeat looks at
        }
        if (length > maxFrame) {
            throw new IllegalStateException("a frame of " + length + " bytes (the limit is " + maxFrame + ")");
        }
        byte[] body = new byte[length];
        buffer.get(offset, body);
        try {
            handler.onFrame(kind, new DataInputStream(new ByteArrayInputStream(body)));
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return true;
    }

    /** Before rings: socket frames, until the handler attaches the rings (after the hello). */
    private void readSocketFrames() {
        ByteBuffer header = ByteBuffer.allocate(Integer.BYTES + 1);
        try {
            while (in == null) {
                header.clear();
                if (!readFully(header)) {
                    close(null);
                    return;
                }
                int length = header.getInt(0);
                if (length < 1 || length > maxFrame) {
                    throw new IOException("a frame of " + length + " bytes (the limit is " + maxFrame + ")");
                }
                byte[] body = new byte[length - 1];
                if (!readFully(ByteBuffer.wrap(body))) {
                    throw new EOFException("the link closed inside a frame");
                }
                try {
                    handler.onFrame(header.get(Integer.BYTES), new DataInputStream(new ByteArrayInputStream(body)));
                } catch (RuntimeException e) {
                    throw new IOException("a frame its handler could not read: " + e, e);
                }
            }
        } catch (AsynchronousCloseException e) {
            close(null); // closed by us
        } catch (IOException e) {
            if (isOpen()) {
                LOG.error("IPC link {}: {}; closing it", name, e.getMessage());
            }
            close(e);
        }
    }

    /** {@return false at end of stream before the first byte; throws at end of stream after it} */
    private boolean readFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                if (buffer.position() == 0) {
                    return false;
                }
                throw new EOFException("the link closed inside a frame");
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "Link[" + name + "]";
    }
}
