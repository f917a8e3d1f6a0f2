package dev.spindle.io.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Loop-confined (a {@linkplain IoLoop#manual manual loop}: the test's thread). A {@link Wire} made
 * of memory, after Netty's {@code EmbeddedChannel}, for connection-level tests without sockets or
 * timing: the test feeds what the peer sends (and its FIN or reset), sets how many bytes the
 * "kernel" takes, reads what was sent, and {@link #pump()}s readiness into the transport. Two wires
 * {@link #link linked} carry bytes to each other: a client transport against a server one (TLS).
 */
public final class MemoryWire implements Wire {

    /** Readiness deliveries one {@link #pump()} makes at most: a handler that never settles is a bug. */
    private static final int MAX_STEPS = 100_000;

    private final IoLoop loop;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private Transport transport;
    private MemoryWire peer;
    private final ArrayDeque<ByteBuffer> inbound = new ArrayDeque<>();
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private boolean finIn;
    private boolean resetIn;
    private boolean finOut;
    private boolean closed;
    private boolean wasReset;
    private long room = Long.MAX_VALUE;
    private int interest;

    public MemoryWire(IoLoop loop, InetSocketAddress local, InetSocketAddress remote) {
        this.loop = loop;
        this.local = local;
        this.remote = remote;
    }

    /** Links {@code a} and {@code b}: what one writes, the other reads; a FIN or reset crosses too. */
    public static void link(MemoryWire a, MemoryWire b) {
        a.peer = b;
        b.peer = a;
    }

    // ---- the test's side ------------------------------------------------------------------------

    /** The peer sends {@code bytes}. */
    public void feed(byte[] bytes) {
        inbound.addLast(ByteBuffer.wrap(bytes.clone()));
    }

    /** The peer sends its FIN. */
    public void feedFin() {
        finIn = true;
    }

    /** The kernel takes at most {@code bytes} more (until set again); {@link Long#MAX_VALUE}: all. */
    public void setRoom(long bytes) {
        room = bytes;
    }

    /** {@return what the transport wrote since the last call (not what went to a linked peer)} */
    public byte[] takeSent() {
        byte[] bytes = sent.toByteArray();
        sent.reset();
        return bytes;
    }

    public boolean finSent() {
        return finOut;
    }

    public boolean isClosed() {
        return closed;
    }

    public boolean wasReset() {
        return wasReset;
    }

    /** {@return the readiness the transport waits for ({@link #READ} | {@link #WRITE})} */
    public int interest() {
        return interest;
    }

    /**
     * Delivers readiness while some is there, running the loop's due work after each delivery.
     * {@return whether anything happened}
     */
    public boolean pump() {
        boolean any = loop.runDue();
        for (int step = 0; step < MAX_STEPS; step++) {
            boolean readable = !closed && (interest & READ) != 0 && (!inbound.isEmpty() || finIn || resetIn);
            boolean writable = !closed && (interest & WRITE) != 0 && room > 0;
            if (!readable && !writable) {
                return any;
            }
            transport.onReady(readable, writable);
            loop.runDue();
            any = true;
        }
        throw new AssertionError("the transport never settled: " + MAX_STEPS + " readiness deliveries (interest " + interest + ")");
    }

    /** Pumps {@code wires} in turn until none has anything more to do (a linked pair's conversation). */
    public static void pumpAll(MemoryWire... wires) {
        for (int round = 0; round < MAX_STEPS; round++) {
            boolean any = false;
            for (MemoryWire wire : wires) {
                any |= wire.pump();
            }
            if (!any) {
                return;
            }
        }
        throw new AssertionError("the wires never settled");
    }

    // ---- the transport's side -------------------------------------------------------------------

    @Override
    public void attach(Transport owner) {
        transport = owner;
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
        if (resetIn) {
            throw new IOException("Connection reset by peer");
        }
        int n = 0;
        while (into.hasRemaining() && !inbound.isEmpty()) {
            ByteBuffer first = inbound.peekFirst();
            int take = Math.min(first.remaining(), into.remaining());
            into.put(first.slice(first.position(), take));
            first.position(first.position() + take);
            n += take;
            if (!first.hasRemaining()) {
                inbound.pollFirst();
            }
        }
        return n == 0 && finIn ? -1 : n;
    }

    @Override
    public long write(ByteBuffer[] from, int offset, int length) throws IOException {
        if (closed || finOut) {
            throw new IOException("write after the wire's output was shut");
        }
        long total = 0;
        for (int i = offset; i < offset + length && room > 0; i++) {
            ByteBuffer bytes = from[i];
            int take = (int) Math.min(bytes.remaining(), room);
            byte[] copy = new byte[take];
            bytes.get(copy);
            room = room == Long.MAX_VALUE ? room : room - take;
            total += take;
            if (peer != null) {
                peer.inbound.addLast(ByteBuffer.wrap(copy));
            } else {
                sent.writeBytes(copy);
            }
        }
        return total;
    }

    @Override
    public void shutdownOutput() {
        finOut = true;
        if (peer != null) {
            peer.finIn = true;
        }
    }

    @Override
    public void interest(int ops) {
        interest = ops;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            shutdownOutput();
        }
    }

    @Override
    public void reset() {
        if (!closed) {
            closed = true;
            wasReset = true;
            if (peer != null) {
                peer.resetIn = true;
            }
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }
}
