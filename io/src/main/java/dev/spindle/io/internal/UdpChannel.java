package dev.spindle.io.internal;

import dev.spindle.io.UdpEvent;
import dev.spindle.io.UdpSocket;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Thread-safe API ({@link UdpSocket}); the channel is loop-confined. */
final class UdpChannel implements UdpSocket, IoLoop.Ready, IoLoop.Closeable {

    private record Datagram(InetSocketAddress to, ByteBuffer data) {
    }

    private final IoLoop loop;
    private final DatagramChannel channel;
    private final Recipient<UdpEvent, ?> owner;
    private final InetSocketAddress local;
    private final MpscUnboundedAtomicArrayQueue<Datagram> outbound = new MpscUnboundedAtomicArrayQueue<>(64);
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private volatile boolean closing;
    private SelectionKey key;
    private Datagram blocked;
    private boolean closed;

    UdpChannel(IoLoop loop, DatagramChannel channel, Recipient<UdpEvent, ?> owner) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.owner = owner;
        this.local = (InetSocketAddress) channel.getLocalAddress();
    }

    void attach() throws IOException {
        key = loop.register(channel, SelectionKey.OP_READ, this);
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public boolean send(InetSocketAddress to, byte[] data) {
        if (closing || queued.incrementAndGet() > MAX_QUEUED) {
            if (!closing) {
                queued.decrementAndGet();
            }
            dropped.incrementAndGet();
            return false;
        }
        outbound.offer(new Datagram(to, ByteBuffer.wrap(data.clone())));
        if (!flushScheduled.get() && flushScheduled.compareAndSet(false, true)) {
            loop.execute(this::flush);
        }
        return true;
    }

    @Override
    public long droppedDatagrams() {
        return dropped.get();
    }

    @Override
    public void close() {
        closing = true;
        loop.execute(() -> closeNow(null));
    }

    @Override
    public void onReady(SelectionKey selected) {
        if (selected.isWritable()) {
            flush();
        }
        if (selected.isValid() && selected.isReadable()) {
            receive();
        }
    }

    private void receive() {
        // A few datagrams per readiness, then the loop's other channels.
        for (int i = 0; i < 16 && !closed; i++) {
            ByteBuffer buffer = loop.readBuffer();
            InetSocketAddress from;
            try {
                from = (InetSocketAddress) channel.receive(buffer);
            } catch (IOException e) {
                // ICMP port unreachable from an earlier send, on Linux: report it and read on.
                owner.deliver(new UdpEvent.SendFailed(this, null, e));
                continue;
            }
            if (from == null) {
                return;
            }
            buffer.flip();
            byte[] data = new byte[buffer.remaining()];
            buffer.get(data);
            owner.deliver(new UdpEvent.Received(this, from, data));
        }
    }

    private void flush() {
        flushScheduled.set(false);
        if (closed) {
            return;
        }
        while (true) {
            Datagram next = blocked != null ? blocked : outbound.poll();
            if (next == null) {
                break;
            }
            blocked = null;
            try {
                if (channel.send(next.data(), next.to()) == 0) {
                    blocked = next; // the kernel's buffer is full: wait for OP_WRITE
                    break;
                }
            } catch (IOException e) {
                dropped.incrementAndGet();
                owner.deliver(new UdpEvent.SendFailed(this, next.to(), e));
            }
            queued.decrementAndGet();
        }
        key.interestOps(SelectionKey.OP_READ | (blocked != null ? SelectionKey.OP_WRITE : 0));
    }

    private void closeNow(IOException cause) {
        if (closed) {
            return;
        }
        closed = true;
        closing = true;
        IoLoop.release(key, channel);
        for (Datagram left; (left = outbound.poll()) != null; ) {
            dropped.incrementAndGet();
        }
        if (blocked != null) {
            dropped.incrementAndGet();
            blocked = null;
        }
        owner.deliver(new UdpEvent.Closed(this, cause));
    }

    @Override
    public void closeOnShutdown() {
        closeNow(null);
    }

    @Override
    public void closeOnFailure(Throwable failure) {
        closeNow(new IOException("the io loop failed handling this socket: " + failure, failure));
    }

    @Override
    public String toString() {
        return "UdpSocket[" + local + "]";
    }
}
