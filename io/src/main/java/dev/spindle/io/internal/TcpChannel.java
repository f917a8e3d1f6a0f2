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
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Thread-safe API ({@link TcpConnection}); the rest is loop-confined. The TCP protocol on a
 * {@link Transport}: reads become {@link TcpEvent}s for the registered actor; writes from any
 * thread go into an MPSC queue and one flush task per burst, which moves them onto the transport
 * in order (with the half-close and close asked for between them).
 *
 * <p>Write accounting: a {@link WriteBudget} counts bytes accepted and not yet handed to the
 * kernel; writers reserve on their own thread, the transport releases as it writes, and the actor
 * gets {@link TcpEvent.WritesDrained} when the budget says so.
 */
public final class TcpChannel implements TcpConnection, Transport.Handler {

    /** Queue markers, ordered after the writes queued before them. */
    private enum Control {
        SHUTDOWN_OUTPUT, CLOSE
    }

    final IoLoop loop;
    private final TcpOptions options;
    private final long id;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final Transport transport;

    private final MpscUnboundedAtomicArrayQueue<Object> outbound = new MpscUnboundedAtomicArrayQueue<>(16);
    private final WriteBudget budget;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    /** Set by close/abort on any thread: later writes are dropped. */
    private volatile boolean closeRequested;
    private volatile Recipient<TcpEvent, ?> recipient;

    // ---- loop-confined ----
    private boolean reading;
    private boolean paused;
    /** What the owner hears once the connection is open (after a TLS handshake), or null once told. */
    private Runnable announce;
    /** What the owner hears if the connection closes before it opened (a failed TLS handshake), or null. */
    private java.util.function.Consumer<IOException> notOpened;
    /** A pooled buffer the next read goes into, not lent out yet (pooled reads only). */
    private LentBuffer readInto;
    /**
     * The listener that accepted this connection, which counts what it does and is told when it
     * closes; null for a client's. Set on the loop before the owner hears of the connection
     * ({@link TcpEvent.Accepted}), so a thread that drops a write (it has the connection through that
     * message) sees it too; never changed after.
     */
    private TcpServerChannel acceptedBy;
    private final Runnable flushTask = this::flush;

    /**
     * {@code existing}: the key a connector registered {@code channel} with, or null; {@code tls}:
     * how to speak TLS on it (see {@link TlsSetups}), or null.
     */
    TcpChannel(IoLoop loop, SocketChannel channel, SelectionKey existing, TcpOptions options, long id, TlsSetup tls)
            throws IOException {
        this.loop = loop;
        this.options = options;
        this.budget = new WriteBudget(options);
        this.id = id;
        configure(channel, options);
        SocketWire wire = new SocketWire(loop, channel, existing);
        this.remote = wire.remoteAddress();
        this.local = wire.localAddress();
        this.transport = new Transport(loop, wire, budget, tls);
    }

    /** Makes {@code channel} non-blocking with {@code options}' per-connection socket options: for every connection a loop owns. */
    public static void configure(SocketChannel channel, TcpOptions options) throws IOException {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, options.noDelay());
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, options.keepAlive());
    }

    /**
     * Loop thread only: starts the transport; once it is open, {@code announcement} tells the owner
     * of the connection, and reading starts at once if {@code initial} is not null, else once an
     * actor registers. If it closes before (a failed TLS handshake), {@code failure} hears why
     * (null: nobody does; the TLS context counts it).
     */
    void attach(Recipient<TcpEvent, ?> initial, Runnable announcement, java.util.function.Consumer<IOException> failure)
            throws IOException {
        assert loop.inLoop();
        recipient = initial;
        announce = announcement;
        notOpened = failure;
        transport.start(this);
    }

    @Override
    public void onOpen() {
        if (recipient != null) {
            startReading();
        }
        Runnable told = announce;
        announce = null;
        notOpened = null;
        if (told != null) {
            told.run();
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
            updateReading();
        });
    }

    @Override
    public void resumeReading() {
        loop.execute(() -> {
            paused = false;
            updateReading();
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
        loop.execute(() -> transport.abort(null));
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
        reading = true;
        updateReading();
    }

    private void updateReading() {
        if (!transport.isClosed()) {
            transport.setReading(reading && !paused);
        }
    }

    @Override
    public ByteBuffer readTarget() {
        if (!options.pooledReads()) {
            return null;
        }
        if (readInto == null) {
            readInto = loop.buffers().take();
        }
        return readInto.buffer.clear();
    }

    @Override
    public void onRead(ByteBuffer bytes) {
        int n = bytes.remaining();
        if (acceptedBy != null) {
            acceptedBy.read(n);
        }
        if (readInto != null && bytes == readInto.buffer) {
            LentBuffer lent = readInto;
            readInto = null;
            lent.lend(this, n);
            deliver(lent);
            return;
        }
        if (options.pooledReads()) {
            // Not read into a pooled buffer (decrypted bytes): lent out in pooled pieces all the same.
            while (bytes.hasRemaining()) {
                LentBuffer lent = loop.buffers().take();
                int piece = Math.min(bytes.remaining(), lent.buffer.capacity());
                lent.buffer.put(0, bytes, bytes.position(), piece); // absolute: no slice to allocate
                bytes.position(bytes.position() + piece);
                lent.lend(this, piece);
                deliver(lent);
            }
            return;
        }
        byte[] data = new byte[n];
        bytes.get(data);
        deliver(new TcpEvent.Received(this, data));
    }

    @Override
    public void onPeerFin() {
        deliver(new TcpEvent.PeerClosed(this));
        if (!options.allowHalfOpen()) {
            close();
        }
    }

    private void flush() {
        flushScheduled.set(false);
        // After clearing the flag: a write offered from now on schedules another flush.
        for (Object item; (item = outbound.poll()) != null; ) {
            if (item instanceof Control control) {
                if (control == Control.SHUTDOWN_OUTPUT) {
                    transport.shutdownOutput();
                } else {
                    transport.closeWhenFlushed();
                }
            } else if (!transport.queue(item)) {
                dropQueued(item);
            }
        }
        transport.flush();
    }

    @Override
    public void onWrote(long bytes) {
        if (acceptedBy != null) {
            acceptedBy.wrote(bytes); // once per flush, however many writes it took
        }
    }

    @Override
    public void onDrained() {
        deliver(new TcpEvent.WritesDrained(this));
    }

    @Override
    public void onDropped(long bytes) {
        drop(bytes);
    }

    /** A write that came after the output was shut or the connection closed: never sent. */
    private void dropQueued(Object item) {
        long size = Transport.bytesOf(item).remaining();
        budget.release(size); // closing: no drained event
        drop(size);
        if (item instanceof LentBuffer lent) {
            lent.recycle();
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

    /** Loop thread only, before the owner hears of it. This accepted connection is counted by {@code listener}, and its close told to it. */
    void releasesTo(TcpServerChannel listener) {
        acceptedBy = listener;
    }

    /** The transport closed: the registered actor gets {@link TcpEvent.Closed}. */
    @Override
    public void onClosed(IOException cause) {
        if (acceptedBy != null) {
            acceptedBy.released();
        }
        closeRequested = true;
        if (readInto != null) {
            readInto.recycle();
            readInto = null;
        }
        for (Object item; (item = outbound.poll()) != null; ) {
            if (!(item instanceof Control)) {
                dropQueued(item);
            }
        }
        if (announce == null) {
            deliver(new TcpEvent.Closed(this, cause));
        } else if (notOpened != null) {
            notOpened.accept(cause != null ? cause : new IOException("closed before the TLS handshake finished"));
        }
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
