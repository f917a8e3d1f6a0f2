package dev.spindle.cluster.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A many-to-one ring of records in a memory-mapped file, shared by two processes: any thread of the
 * writing process {@link #offer}s, one thread of the reading process {@link #poll}s. Lock-free, no
 * system call on either path; ordering by {@code VarHandle} acquire/release on the mapped memory,
 * which holds across processes as it does across threads (the same physical pages).
 *
 * <pre>
 *  file:  [tail: long][pad][head: long][pad][state: int][pad] [ records ... capacity bytes ... ]
 *  record: [int length (published last, release)][int kind][body][pad to 8]
 * </pre>
 *
 * Writers claim space by CAS on {@code tail}, write the kind and body, then publish the length;
 * the reader waits for a published length at {@code head}, hands the record on, zeroes it (a later
 * record may start anywhere in it) and moves {@code head} on. A record that would cross the end is
 * preceded by a padding record up to the end. A claimed record not yet published holds up the
 * ones behind it, as in Agrona's ManyToOneRingBuffer, which this follows.
 *
 * <p>Sleeping: a reader that has found nothing for a while sets {@code state} to sleeping, looks
 * once more (a full fence between), and blocks elsewhere (the link's socket); a writer that
 * publishes, fences and sees it sleeping wins the CAS back to awake and rings (writes a byte to the
 * socket). The same Dekker pair as the mailbox's scheduling handshake: no lost wake-up.
 */
final class ShmRing implements AutoCloseable {

    static final int HEADER = 384;
    private static final int TAIL = 0;
    private static final int HEAD = 128;
    private static final int STATE = 256;
    private static final int AWAKE = 0;
    private static final int SLEEPING = 1;
    static final int RECORD_HEADER = 8;
    private static final int PAD = -1;

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private final FileChannel file;
    private final MappedByteBuffer map;
    private final int capacity;
    private final int mask;
    /** Reader only: where the next record starts (a copy of {@code head}). */
    private long readerHead;

    private ShmRing(FileChannel file, MappedByteBuffer map, int capacity) {
        this.file = file;
        this.map = map;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.readerHead = (long) LONGS.getAcquire(map, HEAD);
    }

    /** Creates (or truncates) {@code path} as an empty ring of {@code capacity} bytes, a power of two. */
    static ShmRing create(Path path, int capacity) throws IOException {
        if (Integer.bitCount(capacity) != 1 || capacity < 1024) {
            throw new IllegalArgumentException("capacity must be a power of two of at least 1 KiB: " + capacity);
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER + (long) capacity);
        return new ShmRing(channel, map, capacity); // a new file reads as zeros: empty, awake
    }

    /** Maps the ring another process created at {@code path}. */
    static ShmRing open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = channel.size();
        int capacity = (int) (size - HEADER);
        if (size <= HEADER || Integer.bitCount(capacity) != 1) {
            channel.close();
            throw new IOException("not a ring: " + path + " has " + size + " bytes");
        }
        return new ShmRing(channel, channel.map(FileChannel.MapMode.READ_WRITE, 0, size), capacity);
    }

    /** {@return the largest body a record can have} */
    int maxBody() {
        return capacity / 2 - RECORD_HEADER;
    }

    /**
     * Writer, any thread. Appends a record of {@code kind} (not negative) with {@code length} bytes
     * of {@code body} from {@code offset}.
     *
     * @return false if the ring has no room for it now (the reader is behind)
     */
    boolean offer(int kind, byte[] body, int offset, int length) {
        if (length > maxBody()) {
            throw new IllegalArgumentException("a record of " + length + " bytes; the most is " + maxBody());
        }
        int recordLength = RECORD_HEADER + length;
        int aligned = (recordLength + 7) & ~7;
        long tail;
        int index;
        int padding;
        do {
            tail = (long) LONGS.getVolatile(map, TAIL);
            long head = (long) LONGS.getAcquire(map, HEAD);
            index = (int) (tail & mask);
            int toEnd = capacity - index;
            padding = aligned > toEnd ? toEnd : 0;
            if (tail + padding + aligned - head > capacity) {
                return false;
            }
        } while (!LONGS.compareAndSet(map, TAIL, tail, tail + padding + aligned));
        if (padding > 0) {
            INTS.set(map, HEADER + index + 4, PAD);
            INTS.setRelease(map, HEADER + index, padding);
            index = 0;
        }
        int at = HEADER + index;
        INTS.set(map, at + 4, kind);
        map.put(at + RECORD_HEADER, body, offset, length);
        INTS.setRelease(map, at, recordLength);
        return true;
    }

    /** What {@link #poll} hands each record to. */
    interface RecordHandler {
        /**
         * {@code length} bytes of body at {@code offset} of {@code buffer}, valid only during the call.
         *
         * @return true if it took the record; false to stop before it (it stays in the ring)
         */
        boolean onRecord(int kind, ByteBuffer buffer, int offset, int length);
    }

    /**
     * Reader, one thread. Hands up to {@code limit} published records to {@code handler}, in order.
     *
     * @return how many it handed on
     */
    int poll(RecordHandler handler, int limit) {
        int count = 0;
        long head = readerHead;
        try {
            while (count < limit) {
                int at = HEADER + (int) (head & mask);
                int recordLength = (int) INTS.getAcquire(map, at);
                if (recordLength == 0) {
                    break;
                }
                int kind = (int) INTS.get(map, at + 4);
                int aligned = kind == PAD ? recordLength : (recordLength + 7) & ~7;
                if (kind != PAD) {
                    if (!handler.onRecord(kind, map, at + RECORD_HEADER, recordLength - RECORD_HEADER)) {
                        break;
                    }
                    count++;
                }
                zero(at, aligned);
                head += aligned;
            }
        } finally {
            if (head != readerHead) {
                readerHead = head;
                LONGS.setRelease(map, HEAD, head);
            }
        }
        return count;
    }

    private void zero(int at, int length) {
        // the length last is not needed: the reader is the only one reading it, and moves head after
        for (int i = at + 4; i < at + length; i += 4) {
            INTS.set(map, i, 0);
        }
        INTS.set(map, at, 0);
    }

    /**
     * Writer, once the reader has gone: {@return how many published records it never took} Walks
     * from the reader's last head to the tail; only meaningful when nobody reads any more.
     */
    long unread() {
        long head = (long) LONGS.getAcquire(map, HEAD);
        long tail = (long) LONGS.getAcquire(map, TAIL);
        long count = 0;
        while (head < tail) {
            int at = HEADER + (int) (head & mask);
            int recordLength = (int) INTS.getAcquire(map, at);
            if (recordLength <= 0) {
                break; // claimed, never published
            }
            int kind = (int) INTS.get(map, at + 4);
            if (kind != PAD) {
                count++;
            }
            head += kind == PAD ? recordLength : (recordLength + 7) & ~7;
        }
        return count;
    }

    /**
     * Any thread: {@return how far writers have claimed} It moves whenever the writing process
     * writes: the primary's heartbeat watches it in the ring a worker writes.
     */
    long tail() {
        return (long) LONGS.getAcquire(map, TAIL);
    }

    /** Any thread: {@return how far the reader has read} Behind {@link #tail()} while records wait. */
    long head() {
        return (long) LONGS.getAcquire(map, HEAD);
    }

    /** Reader: {@return whether a record is published at the head} */
    boolean hasRecord() {
        return (int) INTS.getAcquire(map, HEADER + (int) (readerHead & mask)) != 0;
    }

    /**
     * Reader: announces it is going to sleep, then looks once more.
     *
     * @return true if it may block (nothing came in); false if a record came, and it stays awake
     */
    boolean prepareToSleep() {
        INTS.setVolatile(map, STATE, SLEEPING);
        VarHandle.fullFence();
        if (hasRecord()) {
            INTS.setVolatile(map, STATE, AWAKE);
            return false;
        }
        return true;
    }

    /** Reader: awake again (after its wake-up, or to be sure). */
    void awake() {
        INTS.setVolatile(map, STATE, AWAKE);
    }

    /** Writer, after {@link #offer}: {@return whether it must wake the reader (it won the CAS from sleeping)} */
    boolean claimWakeUp() {
        VarHandle.fullFence();
        return (int) INTS.getVolatile(map, STATE) == SLEEPING && INTS.compareAndSet(map, STATE, SLEEPING, AWAKE);
    }

    @Override
    public void close() throws IOException {
        file.close(); // the mapping stays valid until the buffer is collected
    }
}
