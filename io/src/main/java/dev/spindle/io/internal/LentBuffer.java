package dev.spindle.io.internal;

import dev.spindle.io.TcpConnection;
import dev.spindle.io.TcpEvent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A pooled read buffer, lent to the actor a read is for ({@link TcpEvent.Data}) and given back by
 * {@link #release()} or by a connection that has written it. Its state moves FREE → LENT (the loop
 * read into it) → FREE again by one CAS, so a second release throws instead of putting it in the
 * pool twice. The bytes and the length are written by the loop before the buffer is sent (a mailbox
 * hand-off: happens-before) and read by its holder.
 */
public final class LentBuffer implements TcpEvent.Data, Outbound {

    /** The most one read takes into a lent buffer. */
    public static final int CAPACITY = 16 * 1024;

    private static final int FREE = 0;
    private static final int LENT = 1;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(LentBuffer.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final BufferPool pool;
    /** Direct: the kernel reads into it and writes from it without a copy. */
    final ByteBuffer buffer = ByteBuffer.allocateDirect(CAPACITY);
    private TcpConnection connection;
    private int length;
    @SuppressWarnings("unused") // through STATE
    private volatile int state;

    LentBuffer(BufferPool pool) {
        this.pool = pool;
    }

    /** Loop thread: what a read put in {@link #buffer} is lent out, for {@code from}. */
    void lend(TcpConnection from, int bytes) {
        connection = from;
        length = bytes;
        state = LENT;
    }

    /** The holder hands it to a connection to write: {@link #buffer} now frames its bytes. */
    ByteBuffer takeForWrite() {
        if (!STATE.compareAndSet(this, LENT, FREE)) {
            throw new IllegalStateException("this Data was released or written already");
        }
        return buffer.limit(length).position(0);
    }

    @Override
    public ByteBuffer bytes() {
        return buffer;
    }

    @Override
    public void done() {
        recycle();
    }

    /** Back to the pool, by the loop that has written it (or dropped it). */
    void recycle() {
        connection = null;
        pool.give(this);
    }

    @Override
    public TcpConnection connection() {
        return connection;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public byte get(int index) {
        return buffer.get(Objects.checkIndex(index, length));
    }

    @Override
    public void copyTo(int index, byte[] destination, int offset, int count) {
        Objects.checkFromIndexSize(index, count, length);
        buffer.get(index, destination, offset, count);
    }

    @Override
    public byte[] toArray() {
        byte[] bytes = new byte[length];
        buffer.get(0, bytes);
        return bytes;
    }

    @Override
    public void release() {
        if (!STATE.compareAndSet(this, LENT, FREE)) {
            throw new IllegalStateException("this Data was released or written already");
        }
        recycle();
    }

    @Override
    public String toString() {
        return "TcpEvent.Data[" + length + " bytes from " + connection + "]";
    }
}
