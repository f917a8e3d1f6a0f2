package dev.spindle.cluster.internal;

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
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread-safe {@link #send}. One end of an IPC link between two processes of a cluster: frames
 * over a connected Unix domain socket, each {@code [int length][byte kind][body]} with
 * {@code length} counting the kind and the body. A virtual thread reads frames and hands them to
 * the {@link Handler}; another writes what {@link #send} queued, many frames per {@code write}.
 * Frames from one sending thread go out in the order sent.
 *
 * <p>A frame over the limit, or a body its handler cannot read, closes the link with an error
 * logged, and nothing else. Frames still queued when the link closes are counted in
 * {@link #undelivered()}, never silently lost.
 */
final class Link {

    private static final Logger LOG = LoggerFactory.getLogger(Link.class);

    /** Worker to primary, first: {@code int workerId, int secretLength, byte[] secret}. */
    static final int HELLO = 1;
    /** Either way: a message, {@code int wireId} then its codec's bytes. */
    static final int MESSAGE = 2;
    /** Worker to primary: {@code UTF host, int port}. */
    static final int LISTENING = 3;
    /** Primary to worker: stop gracefully. No body. */
    static final int DISCONNECT = 4;

    /** What reads the frames of a link; called on its reader thread. */
    interface Handler {
        /** One frame; what it throws closes the link as malformed. */
        void onFrame(int kind, DataInputStream body) throws IOException;

        /** The link closed, {@code cause} null if orderly; called once. */
        void onClosed(IOException cause);
    }

    /** Writes a frame's body. */
    @FunctionalInterface
    interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    /** Queued by {@link #closeAfterSent()}: the writer closes the link when it gets here. */
    private static final ByteBuffer CLOSE = ByteBuffer.allocate(0);
    private static final int BATCH = 64;

    private final SocketChannel channel;
    private final int maxFrame;
    private final String name;
    private final LinkedBlockingQueue<ByteBuffer> outbox = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong undelivered = new AtomicLong();
    private volatile Handler handler;
    private volatile Thread writer;

    Link(SocketChannel channel, int maxFrame, String name) {
        this.channel = channel;
        this.maxFrame = maxFrame;
        this.name = name;
    }

    /** Starts reading into {@code frames}, and writing what is sent. */
    void start(Handler frames) {
        this.handler = frames;
        writer = Thread.ofVirtual().name(name + "-writer").start(this::writeLoop);
        Thread.ofVirtual().name(name + "-reader").start(this::readLoop);
    }

    /**
     * Queues a frame of {@code kind} with the body {@code body} writes.
     *
     * @return false if the link is closed (the frame is counted as undelivered)
     * @throws IllegalArgumentException if the frame is over the limit, or the body cannot be written
     */
    boolean send(int kind, Body body) {
        if (closed.get()) {
            undelivered.incrementAndGet();
            return false;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeInt(0);
            out.writeByte(kind);
            body.write(out);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode a frame for " + name + ": " + e.getMessage(), e);
        }
        ByteBuffer frame = ByteBuffer.wrap(bytes.toByteArray());
        int length = frame.remaining() - Integer.BYTES;
        if (length > maxFrame) {
            throw new IllegalArgumentException("a frame of " + length + " bytes is over the limit of " + maxFrame);
        }
        frame.putInt(0, length);
        outbox.offer(frame);
        // Closed since the check: the closer's drain or this removal counts it, exactly once.
        if (closed.get() && outbox.remove(frame)) {
            undelivered.incrementAndGet();
            return false;
        }
        return true;
    }

    /** Closes the link once what was sent before has been written. */
    void closeAfterSent() {
        if (!closed.get()) {
            outbox.offer(CLOSE);
        }
    }

    /** Closes the link now; what is still queued is counted as undelivered. */
    void close() {
        close(null);
    }

    boolean isOpen() {
        return !closed.get();
    }

    /** {@return frames sent on this link that were never written: it closed first} */
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
        Thread w = writer;
        if (w != null && w != Thread.currentThread()) {
            w.interrupt();
        }
        for (ByteBuffer frame; (frame = outbox.poll()) != null; ) {
            if (frame != CLOSE) {
                undelivered.incrementAndGet();
            }
        }
        Handler h = handler;
        if (h != null) {
            h.onClosed(cause);
        }
    }

    private void readLoop() {
        ByteBuffer header = ByteBuffer.allocate(Integer.BYTES + 1);
        try {
            while (true) {
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

    private void writeLoop() {
        ByteBuffer[] batch = new ByteBuffer[BATCH];
        try {
            while (true) {
                int n = 0;
                batch[n++] = outbox.take();
                while (n < BATCH && batch[n - 1] != CLOSE) {
                    ByteBuffer next = outbox.poll();
                    if (next == null) {
                        break;
                    }
                    batch[n++] = next;
                }
                boolean closing = batch[n - 1] == CLOSE;
                int count = closing ? n - 1 : n;
                long left = 0;
                for (int i = 0; i < count; i++) {
                    left += batch[i].remaining();
                }
                while (left > 0) {
                    left -= channel.write(batch, 0, count);
                }
                Arrays.fill(batch, null);
                if (closing) {
                    close(null);
                    return;
                }
            }
        } catch (InterruptedException | AsynchronousCloseException e) {
            // closed
        } catch (IOException e) {
            close(e);
        } catch (RuntimeException e) {
            LOG.error("IPC link {}: the writer failed; closing it", name, e);
            close(new IOException(e));
        }
    }

    @Override
    public String toString() {
        return "Link[" + name + "]";
    }
}
