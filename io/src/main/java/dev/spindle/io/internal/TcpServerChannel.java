package dev.spindle.io.internal;

import dev.spindle.io.AcceptGate;
import dev.spindle.io.TcpEvent;
import dev.spindle.io.TcpListener;
import dev.spindle.io.TcpListenerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Thread-safe API ({@link TcpListener}); accepting is loop-confined. Accepts on its own loop and
 * deals each connection to the runtime's loops in turn, where its {@link Acceptor} sets it up: a
 * {@link TcpChannel} whose owner hears of it as {@link TcpEvent.Accepted}, or an HTTP connection.
 */
public final class TcpServerChannel implements TcpListener, IoLoop.Ready, IoLoop.Closeable {

    /** Sets up an accepted socket on the loop that will own it. Loop thread only. */
    public interface Acceptor {
        void accepted(IoLoop loop, SocketChannel channel, TcpServerChannel listener) throws IOException;

        /** The listener closed; {@code cause} is null when asked to. */
        void listenerClosed(TcpServerChannel listener, IOException cause);

        /**
         * On the listener's loop, as a connection is accepted: {@link #accepted} follows, maybe on
         * another loop. Lets a server count connections on their way (none is lost from a count
         * between the accept and its set-up).
         */
        default void adopting() {
        }

        /**
         * {@return connections the listener holds open at once} One more is reset on the listener's
         * loop as soon as it is accepted, never handed to {@link #accepted} (a raw TCP server has no
         * protocol to refuse in). {@link Integer#MAX_VALUE}, the default: no bound here, for the
         * acceptor bounds its own (the HTTP server answers 503 past its {@code maxConnections}).
         */
        default int maxConnections() {
            return Integer.MAX_VALUE;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(TcpServerChannel.class);
    /** Connections accepted per readiness before the loop turns to its other channels. */
    private static final int ACCEPTS_PER_TURN = 64;
    /** After a failed accept (no file descriptor left, say): how long before the next try. */
    private static final long ACCEPT_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** At most one warning this often of refusals, and one of failed accepts: a flood must not become one of log lines. */
    private static final long WARNING_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final IoRuntime runtime;
    private final IoLoop loop;
    private final ServerSocketChannel server;
    private final AcceptGate gate;
    private final Acceptor acceptor;
    private final InetSocketAddress local;
    private final int maxConnections;
    private final Runnable resume;
    private final TcpListenerCounters counters = new TcpListenerCounters();
    private SelectionKey key;
    /** Set while the gate leaves the queue to others: accepting resumes when it fires. */
    private IoLoop.LoopTimer paused;
    private boolean closed;
    /** Which refusals and failed accepts get a warning: the first, then one per 10 s with a count. */
    private final WarningRate refusals = new WarningRate(WARNING_NANOS);
    private final WarningRate acceptFailures = new WarningRate(WARNING_NANOS);

    TcpServerChannel(IoRuntime runtime, IoLoop loop, ServerSocketChannel server, AcceptGate gate, Acceptor acceptor)
            throws IOException {
        this.runtime = runtime;
        this.loop = loop;
        this.server = server;
        this.gate = gate;
        this.acceptor = acceptor;
        this.maxConnections = acceptor.maxConnections();
        // Out of file descriptors, the JVM cannot open a class file either (classes loaded from a
        // directory, as in tests and exploded images): a class first needed by the retry after a
        // failed accept would fail to load, for good (a failed resolution is never retried), and
        // the listener, its interest already off, would never accept again. So whatever the retry
        // needs is loaded now: the timer's class, and the action as an object made here; and the
        // events a connection sends, so that those accepted before it can still close cleanly.
        this.resume = this::resume;
        IoLoop.LoopTimer.class.descriptorString(); // the class literal loads it; its name is not needed
        TcpEvent.class.getPermittedSubclasses();
        this.local = (InetSocketAddress) server.getLocalAddress();
    }

    void attach() throws IOException {
        key = loop.register(server, SelectionKey.OP_ACCEPT, this);
    }

    /** Any thread, once per connection accepted here: it closed, or failed before it was set up. Tells the gate. */
    void released() {
        counters.closed();
        gate.released();
    }

    /** Loop thread of an accepted connection: it read {@code bytes}. */
    void read(long bytes) {
        counters.read(bytes);
    }

    /** Loop thread of an accepted connection: it handed {@code bytes} to the kernel. */
    void wrote(long bytes) {
        counters.wrote(bytes);
    }

    /** Any thread: an accepted connection dropped {@code bytes} written to it (closed). */
    void dropped(long bytes) {
        counters.dropped(bytes);
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    /**
     * {@inheritDoc} Counts the connections set up as {@link TcpChannel}s: an HTTP server's
     * listener (never handed out) counts its connections in the server's own stats.
     */
    @Override
    public TcpListenerStats stats() {
        return counters.snapshot();
    }

    @Override
    public void onReady(SelectionKey selected) {
        for (int i = 0; i < ACCEPTS_PER_TURN; i++) {
            long wait;
            try {
                wait = gate.admit();
            } catch (RuntimeException e) {
                LOG.error("listener {}: its accept gate failed; accepting", local, e);
                wait = 0;
            }
            if (wait > 0) {
                pause(wait);
                return;
            }
            SocketChannel accepted;
            try {
                accepted = server.accept();
            } catch (IOException e) {
                // Out of file descriptors, say: keep listening, and try again in a while. The
                // selector is level-triggered: retrying at once would spin the loop on the error.
                pause(ACCEPT_RETRY_NANOS);
                acceptFailed(e);
                return;
            }
            if (accepted == null) {
                return;
            }
            accepted(accepted);
        }
    }

    /** Warns at most once per {@link #WARNING_NANOS} (20 retries a second must not become 20 log lines), the rest at debug. */
    private void acceptFailed(IOException e) {
        long told = acceptFailures.occurred(System.nanoTime());
        if (told == 0) {
            LOG.debug("listener {}: accept failed again", local, e);
            return;
        }
        LOG.warn("listener {}: accept failed ({} times since the last warning); accepting again every {} ms until it "
                + "works. Out of file descriptors is the usual cause: raise the process's open-file limit (ulimit -n) "
                + "or lower maxConnections", local, told, TimeUnit.NANOSECONDS.toMillis(ACCEPT_RETRY_NANOS), e);
    }

    /**
     * Tells the gate (a failing gate is logged, never loses the connection) and hands the socket
     * on, or resets it here if {@link #maxConnections} are open.
     */
    private void accepted(SocketChannel accepted) {
        counters.accepted();
        try {
            gate.accepted();
        } catch (RuntimeException e) {
            LOG.error("listener {}: its accept gate failed", local, e);
        }
        // Only this loop adds to the open count; other loops take from it, so what is read here is
        // never below the truth: at worst one just closed is still counted and this one refused.
        if (maxConnections != Integer.MAX_VALUE && counters.open() > maxConnections) {
            refuse(accepted);
            return;
        }
        runtime.adopt(accepted, this, acceptor);
    }

    /**
     * Closes {@code accepted} with a reset (SO_LINGER 0) on this loop, before anyone else hears of
     * it. A reset rather than a FIN: the client learns it was refused, not that a server accepted
     * it and had nothing to say (a raw protocol may read an orderly close as a complete exchange),
     * and no socket of ours lingers in FIN_WAIT or TIME_WAIT, so a flood of refusals holds no
     * kernel state here either. Cheap enough to keep up with a flood: an accept, a setsockopt and
     * a close, at most {@link #ACCEPTS_PER_TURN} per turn before the loop serves its other channels.
     */
    private void refuse(SocketChannel accepted) {
        counters.refused();
        try {
            gate.released();
        } catch (RuntimeException e) {
            LOG.error("listener {}: its accept gate failed", local, e);
        }
        try (accepted) {
            accepted.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException e) {
            LOG.debug("listener {}: resetting a refused connection failed", local, e); // closed all the same
        }
        long told = refusals.occurred(System.nanoTime());
        if (told > 0) {
            LOG.warn("listener {}: {} connections open, its limit; reset {} more since the last warning (all are "
                    + "counted in stats().refused). If clients are real, raise TcpOptions.maxConnections (and the "
                    + "process's open-file limit); if not, limit them before they reach this server", local,
                    maxConnections, told);
        }
    }

    /** Stops asking the selector about the queue for {@code nanos}: level-triggered, it would wake us at once. */
    private void pause(long nanos) {
        key.interestOps(0);
        paused = loop.schedule(nanos, resume);
    }

    private void resume() {
        paused = null;
        if (!closed) {
            key.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    @Override
    public void close() {
        loop.execute(() -> {
            // What the kernel has queued for us is ours: take it before closing, for a listening
            // socket closed with connections in its queue resets them (with SO_REUSEPORT, the
            // others in the group do not inherit them), and a client of a server being replaced
            // would see an error instead of an answer.
            if (!closed && gate.drainOnClose()) {
                acceptQueued();
            }
            closeNow(null);
        });
    }

    private void acceptQueued() {
        try {
            for (SocketChannel queued; (queued = server.accept()) != null; ) {
                accepted(queued);
            }
        } catch (IOException e) {
            LOG.debug("listener {}: accepting what was queued before closing failed", local, e);
        }
    }

    private void closeNow(IOException cause) {
        if (closed) {
            return;
        }
        closed = true;
        if (paused != null) {
            paused.cancel();
            paused = null;
        }
        IoLoop.release(key, server);
        try {
            gate.closed();
        } catch (RuntimeException e) {
            LOG.warn("listener {}: its accept gate failed on close", local, e);
        }
        acceptor.listenerClosed(this, cause);
    }

    @Override
    public void closeOnShutdown() {
        closeNow(null);
    }

    /** A listener outlives a failure while it accepted (the connection at fault is lost): a closed port would serve nobody. */
    @Override
    public void closeOnFailure(Throwable failure) {
        // Logged and counted by the loop.
    }

    @Override
    public String toString() {
        return "TcpListener[" + local + "]";
    }
}
