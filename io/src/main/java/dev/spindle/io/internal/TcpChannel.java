package dev.spindle.io.internal;

import dev.spindle.actors.ActorRef;
import dev.spindle.io.TcpConnection;
import dev.spindle.io.TcpEvent;
import dev.spindle.io.TcpOptions;
import dev.spindle.io.WriteQueueFullException;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Thread-safe API ({@link TcpConnection}); the channel itself is loop-confined. Writes from any
 * thread go into an MPSC queue and a flush task; the loop gathers them into the socket, and asks
 * for {@code OP_WRITE} only while the kernel's buffer is full.
 *
 * <p>Write accounting: a {@link WriteBudget} counts bytes accepted and not yet handed to the
 * kernel; the loop sends {@link TcpEvent.WritesDrained} when it says so.
 */
public final class TcpChannel implements TcpConnection, IoLoop.Ready, IoLoop.Closeable {

    /** Queue markers, ordered after the writes queued before them. */
    private enum Control {
        SHUTDOWN_OUTPUT, CLOSE
    }

    private static final int GATHER = 64;

    final IoLoop loop;
    private final SocketChannel channel;
    private final TcpOptions options;
    private final long id;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;

    private final MpscUnboundedAtomicArrayQueue<Object> outbound = new MpscUnboundedAtomicArrayQueue<>(16);
    private final WriteBudget budget;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    /** Set by close/abort on any thread: later writes are dropped. */
    private volatile boolean closeRequested;
    private volatile Recipient<TcpEvent, ?> recipient;

    // ---- loop-confined ----
    private SelectionKey key;
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private final ByteBuffer[] gather = new ByteBuffer[GATHER];
    private boolean reading;
    private boolean paused;
    private boolean inputShut;
    private boolean outputShut;
    private boolean closed;
    /**
     * The listener that accepted this connection, which counts what it does and is told when it
     * closes; null for a client's. Set on the loop before the owner hears of the connection
     * ({@link TcpEvent.Accepted}), so a thread that drops a write (it has the connection through that
     * message) sees it too; never changed after.
     */
    private TcpServerChannel acceptedBy;
    private final Runnable flushTask = this::flush;

    TcpChannel(IoLoop loop, SocketChannel channel, TcpOptions options, long id) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.options = options;
        this.budget = new WriteBudget(options);
        this.id = id;
        configure(channel, options);
        this.remote = (InetSocketAddress) channel.getRemoteAddress();
        this.local = (InetSocketAddress) channel.getLocalAddress();
    }

    /** Makes {@code channel} non-blocking with {@code options}' per-connection socket options: for every connection a loop owns. */
    public static void configure(SocketChannel channel, TcpOptions options) throws IOException {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, options.noDelay());
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, options.keepAlive());
    }

    /**
     * Loop thread only: joins the loop's selector, or takes over {@code existing} (a connector's
     * key); reads at once if {@code initial} is not null, else once registered.
     */
    void attach(Recipient<TcpEvent, ?> initial, SelectionKey existing) throws IOException {
        assert loop.inLoop();
        recipient = initial;
        if (existing != null) {
            key = existing;
            key.attach(this);
            key.interestOps(0);
        } else {
            key = loop.register(channel, 0, this);
        }
        if (initial != null) {
            startReading();
        }
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public void register(ActorRef<? super TcpEvent> handler) {
        Objects.requireNonNull(handler, "handler");
        setRecipient(Recipients.direct(handler));
    }

    @Override
    public <M> void register(ActorRef<M> handler, Function<? super TcpEvent, ? extends M> adapter) {
        setRecipient(Recipients.adapted(handler, adapter));
    }

    private void setRecipient(Recipient<TcpEvent, ?> next) {
        recipient = next;
        loop.execute(this::startReading);
    }

    @Override
    public boolean write(byte[] data) {
        return write(ByteBuffer.wrap(data.clone()));
    }

    @Override
    public boolean write(ByteBuffer data) {
        int size = data.remaining();
        if (closeRequested) {
            drop(size);
            return false;
        }
        boolean below = budget.reserve(size, this);
        outbound.offer(data);
        scheduleFlush();
        return below;
    }

    @Override
    public boolean write(TcpEvent.Data data) {
        LentBuffer lent = (LentBuffer) Objects.requireNonNull(data, "data");
        int size = lent.takeForWrite().remaining();
        if (closeRequested) {
            drop(size);
            lent.recycle();
            return false;
        }
        boolean below;
        try {
            below = budget.reserve(size, this);
        } catch (WriteQueueFullException e) {
            lent.recycle();
            throw e;
        }
        outbound.offer(lent);
        scheduleFlush();
        return below;
    }

    private void scheduleFlush() {
        if (!flushScheduled.get() && flushScheduled.compareAndSet(false, true)) {
            loop.execute(flushTask);
        }
    }

    @Override
    public void pauseReading() {
        loop.execute(() -> {
            paused = true;
            updateInterest();
        });
    }

    @Override
    public void resumeReading() {
        loop.execute(() -> {
            paused = false;
            updateInterest();
        });
    }

    @Override
    public void shutdownOutput() {
        outbound.offer(Control.SHUTDOWN_OUTPUT);
        scheduleFlush();
    }

    @Override
    public void close() {
        closeRequested = true;
        outbound.offer(Control.CLOSE);
        scheduleFlush();
    }

    @Override
    public void abort() {
        closeRequested = true;
        loop.execute(() -> {
            if (closed) {
                return;
            }
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException ignored) {
                // Already broken: a plain close resets it anyway.
            }
            closeNow(null);
        });
    }

    @Override
    public long queuedBytes() {
        return budget.queued();
    }

    @Override
    public long droppedBytes() {
        return dropped.get();
    }

    // ---- loop side ------------------------------------------------------------------------------

    private void startReading() {
        if (!closed && !inputShut) {
            reading = true;
            updateInterest();
        }
    }

    private void updateInterest() {
        if (closed) {
            return;
        }
        int ops = (reading && !paused && !inputShut ? SelectionKey.OP_READ : 0) | (pending.isEmpty() ? 0 : SelectionKey.OP_WRITE);
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    @Override
    public void onReady(SelectionKey selected) {
        int ready = selected.readyOps();
        if ((ready & SelectionKey.OP_WRITE) != 0) {
            flush();
        }
        if ((ready & SelectionKey.OP_READ) != 0 && !closed) {
            read();
        }
    }

    private void read() {
        LentBuffer lent = options.pooledReads() ? loop.buffers().take() : null;
        ByteBuffer buffer = lent != null ? lent.buffer : loop.readBuffer();
        int n;
        try {
            n = channel.read(buffer);
        } catch (IOException e) {
            if (lent != null) {
                lent.recycle();
            }
            closeNow(e);
            return;
        }
        if (n > 0 && acceptedBy != null) {
            acceptedBy.read(n);
        }
        if (n > 0 && lent != null) {
            lent.lend(this, n);
            deliver(lent);
            return;
        }
        if (lent != null) {
            lent.recycle();
        }
        if (n > 0) {
            buffer.flip();
            byte[] data = new byte[n];
            buffer.get(data);
            deliver(new TcpEvent.Received(this, data));
        } else if (n < 0) {
            inputShut = true;
            updateInterest();
            deliver(new TcpEvent.PeerClosed(this));
            if (!options.allowHalfOpen()) {
                close();
            } else if (outputShut) {
                closeNow(null);
            }
        }
    }

    private void flush() {
        flushScheduled.set(false);
        // After clearing the flag: a write offered from now on schedules another flush.
        for (Object item; (item = outbound.poll()) != null; ) {
            pending.add(item);
        }
        if (closed) {
            dropPending();
            return;
        }
        long sent = 0;
        try {
            while (!pending.isEmpty()) {
                Object head = pending.peekFirst();
                if (head instanceof Control control) {
                    pending.pollFirst();
                    if (control == Control.SHUTDOWN_OUTPUT) {
                        if (!outputShut) {
                            outputShut = true;
                            channel.shutdownOutput();
                            if (inputShut) {
                                closeNow(null);
                                return;
                            }
                        }
                    } else {
                        closeNow(null);
                        return;
                    }
                    continue;
                }
                int count = 0;
                for (Object item : pending) {
                    ByteBuffer bytes = bytesOf(item);
                    if (bytes == null || count == GATHER) {
                        break;
                    }
                    gather[count++] = bytes;
                }
                long written = channel.write(gather, 0, count);
                int done = 0;
                while (done < count && !gather[done].hasRemaining()) {
                    done++;
                }
                for (int i = 0; i < count; i++) {
                    gather[i] = null;
                }
                for (int i = 0; i < done; i++) {
                    if (pending.pollFirst() instanceof LentBuffer lent) {
                        lent.recycle();
                    }
                }
                if (written > 0) {
                    sent += written;
                    wrote(written);
                }
                if (done < count) {
                    break; // the kernel's buffer is full: wait for OP_WRITE
                }
            }
        } catch (IOException e) {
            closeNow(e);
            return;
        } finally {
            if (sent > 0 && acceptedBy != null) {
                acceptedBy.wrote(sent); // once per flush, however many writes it took
            }
        }
        updateInterest();
    }

    private void wrote(long bytes) {
        if (budget.release(bytes)) {
            deliver(new TcpEvent.WritesDrained(this));
        }
    }

    private void dropPending() {
        for (Object item; (item = pending.pollFirst()) != null; ) {
            ByteBuffer bytes = bytesOf(item);
            if (bytes != null) {
                int size = bytes.remaining();
                budget.release(size); // closing: no drained event
                drop(size);
            }
            if (item instanceof LentBuffer lent) {
                lent.recycle();
            }
        }
    }

    /** Any thread: {@code size} bytes written will never be sent. */
    private void drop(long size) {
        dropped.addAndGet(size);
        TcpServerChannel listener = acceptedBy;
        if (listener != null) {
            listener.dropped(size);
        }
    }

    /** {@return the bytes a queued write holds, or null for a {@link Control}} */
    private static ByteBuffer bytesOf(Object item) {
        return switch (item) {
            case ByteBuffer buffer -> buffer;
            case LentBuffer lent -> lent.buffer;
            default -> null;
        };
    }

    /** Loop thread only, before the owner hears of it. This accepted connection is counted by {@code listener}, and its close told to it. */
    void releasesTo(TcpServerChannel listener) {
        acceptedBy = listener;
    }

    /** Closes the socket at once; the registered actor gets {@link TcpEvent.Closed}. */
    private void closeNow(IOException cause) {
        if (closed) {
            return;
        }
        closed = true;
        if (acceptedBy != null) {
            acceptedBy.released();
        }
        closeRequested = true;
        IoLoop.release(key, channel);
        for (Object item; (item = outbound.poll()) != null; ) {
            pending.add(item);
        }
        dropPending();
        deliver(new TcpEvent.Closed(this, cause));
    }

    @Override
    public void closeOnShutdown() {
        closeNow(null);
    }

    @Override
    public void closeOnFailure(Throwable failure) {
        closeNow(new IOException("the io loop failed handling this connection: " + failure, failure));
    }

    private void deliver(TcpEvent event) {
        Recipient<TcpEvent, ?> to = recipient;
        if (to != null) {
            to.deliver(event);
        } else if (event instanceof LentBuffer lent) {
            lent.release();
        }
    }

    @Override
    public String toString() {
        return "TcpConnection[" + id + " " + local + " -> " + remote + "]";
    }
}
