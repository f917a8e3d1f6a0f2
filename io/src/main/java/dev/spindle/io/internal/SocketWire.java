package dev.spindle.io.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * Loop-confined. A connected, non-blocking {@link SocketChannel} on its loop's selector, as a
 * {@link Wire}: readiness comes from the selector, interest is the key's interest set.
 */
public final class SocketWire implements Wire, IoLoop.Ready, IoLoop.Closeable {

    private final IoLoop loop;
    private final SocketChannel channel;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    /** A connector's key to take over, or null to register anew. */
    private SelectionKey key;
    private Transport transport;

    /** {@code existing}: the key a connector registered the channel with, or null. */
    public SocketWire(IoLoop loop, SocketChannel channel, SelectionKey existing) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.key = existing;
        this.remote = (InetSocketAddress) channel.getRemoteAddress();
        this.local = (InetSocketAddress) channel.getLocalAddress();
    }

    @Override
    public void attach(Transport owner) throws IOException {
        transport = owner;
        if (key != null) {
            key.attach(this);
            key.interestOps(0);
        } else {
            key = loop.register(channel, 0, this);
        }
    }

    @Override
    public void onReady(SelectionKey selected) {
        int ready = selected.readyOps();
        transport.onReady((ready & SelectionKey.OP_READ) != 0, (ready & SelectionKey.OP_WRITE) != 0);
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
        return channel.read(into);
    }

    @Override
    public long write(ByteBuffer[] from, int offset, int length) throws IOException {
        return length == 1 ? channel.write(from[offset]) : channel.write(from, offset, length);
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void interest(int ops) {
        int selectorOps = ((ops & READ) != 0 ? SelectionKey.OP_READ : 0) | ((ops & WRITE) != 0 ? SelectionKey.OP_WRITE : 0);
        if (key.isValid() && key.interestOps() != selectorOps) {
            key.interestOps(selectorOps);
        }
    }

    @Override
    public void close() {
        IoLoop.release(key, channel);
    }

    @Override
    public void reset() {
        if (channel.isOpen()) {
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException | UnsupportedOperationException ignored) {
                // Already broken: a plain close resets it anyway.
            }
        }
        close();
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
    public void closeOnShutdown() {
        transport.closeOnShutdown();
    }

    @Override
    public void closeOnFailure(Throwable failure) {
        transport.closeOnFailure(failure);
    }
}
