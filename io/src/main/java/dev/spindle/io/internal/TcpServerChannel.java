package dev.spindle.io.internal;

import dev.spindle.io.TcpEvent;
import dev.spindle.io.TcpListener;
import dev.spindle.io.TcpOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Thread-safe API ({@link TcpListener}); accepting is loop-confined. Accepts on its own loop and
 * deals each connection to the runtime's loops in turn; the connection joins its loop there, and
 * its owner hears of it as {@link TcpEvent.Accepted}.
 */
final class TcpServerChannel implements TcpListener, IoLoop.Ready, IoLoop.Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpServerChannel.class);
    /** Connections accepted per readiness before the loop turns to its other channels. */
    private static final int ACCEPTS_PER_TURN = 64;

    private final IoRuntime runtime;
    private final IoLoop loop;
    private final ServerSocketChannel server;
    private final TcpOptions options;
    private final Recipient<?> owner;
    private final InetSocketAddress local;
    private SelectionKey key;
    private boolean closed;

    TcpServerChannel(IoRuntime runtime, IoLoop loop, ServerSocketChannel server, TcpOptions options, Recipient<?> owner)
            throws IOException {
        this.runtime = runtime;
        this.loop = loop;
        this.server = server;
        this.options = options;
        this.owner = owner;
        this.local = (InetSocketAddress) server.getLocalAddress();
    }

    void attach() throws IOException {
        key = loop.register(server, SelectionKey.OP_ACCEPT, this);
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public void onReady(SelectionKey selected) {
        for (int i = 0; i < ACCEPTS_PER_TURN; i++) {
            SocketChannel accepted;
            try {
                accepted = server.accept();
            } catch (IOException e) {
                // Out of file descriptors, say: keep listening, the next readiness tries again.
                LOG.warn("listener {}: accept failed", local, e);
                return;
            }
            if (accepted == null) {
                return;
            }
            runtime.adopt(accepted, options, channel -> owner.deliver(new TcpEvent.Accepted(this, channel)));
        }
    }

    @Override
    public void close() {
        loop.execute(() -> closeNow(null));
    }

    private void closeNow(IOException cause) {
        if (closed) {
            return;
        }
        closed = true;
        if (key != null) {
            key.cancel();
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing: nothing more to report.
        }
        owner.deliver(new TcpEvent.ListenerClosed(this, cause));
    }

    @Override
    public void closeOnShutdown() {
        closeNow(null);
    }

    @Override
    public String toString() {
        return "TcpListener[" + local + "]";
    }
}
