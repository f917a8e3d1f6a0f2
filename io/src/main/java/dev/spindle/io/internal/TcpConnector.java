package dev.spindle.io.internal;

import dev.spindle.io.TcpEvent;
import dev.spindle.io.TcpOptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/** Loop-confined. One connection attempt: {@code OP_CONNECT} or the timeout, whichever comes first. */
final class TcpConnector implements IoLoop.Ready, IoLoop.Closeable {

    private final IoRuntime runtime;
    private final IoLoop loop;
    private final SocketChannel channel;
    private final InetSocketAddress remote;
    private final TcpOptions options;
    private final Recipient<TcpEvent, ?> owner;
    private SelectionKey key;
    private IoLoop.LoopTimer timeout;
    private boolean done;

    TcpConnector(IoRuntime runtime, IoLoop loop, SocketChannel channel, InetSocketAddress remote, TcpOptions options,
            Recipient<TcpEvent, ?> owner) {
        this.runtime = runtime;
        this.loop = loop;
        this.channel = channel;
        this.remote = remote;
        this.options = options;
        this.owner = owner;
    }

    /** Loop thread only. */
    void start() {
        try {
            channel.configureBlocking(false);
            if (channel.connect(remote)) {
                connected();
                return;
            }
            key = loop.register(channel, SelectionKey.OP_CONNECT, this);
            timeout = loop.schedule(options.connectTimeout().toNanos(), () -> fail(new SocketTimeoutException(
                    "connect to " + remote + " timed out after " + options.connectTimeout().toMillis() + " ms")));
        } catch (IOException e) {
            fail(e);
        }
    }

    @Override
    public void onReady(SelectionKey selected) {
        try {
            if (channel.finishConnect()) {
                connected();
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    private void connected() throws IOException {
        if (done) {
            return;
        }
        done = true;
        if (timeout != null) {
            timeout.cancel();
        }
        // The connection takes over this key (a cancelled key cannot be registered again before
        // the next select).
        TcpChannel connection = new TcpChannel(loop, channel, key, options, runtime.nextId(),
                TlsSetups.client(options.tlsClient(), remote.getHostString(), remote));
        connection.attach(owner, () -> owner.deliver(new TcpEvent.Connected(connection)),
                cause -> owner.deliver(new TcpEvent.ConnectFailed(remote, cause)));
    }

    private void fail(IOException cause) {
        if (done) {
            return;
        }
        done = true;
        if (timeout != null) {
            timeout.cancel();
        }
        IoLoop.release(key, channel);
        owner.deliver(new TcpEvent.ConnectFailed(remote, cause));
    }

    @Override
    public void closeOnShutdown() {
        fail(new IOException("io runtime shut down before the connection to " + remote + " completed"));
    }
}
