package dev.spindle.io.internal;

import java.nio.ByteBuffer;

/**
 * Loop-confined. The large buffers TLS needs, one set per loop rather than per connection (the
 * JDK's engine wants room for a whole 16 KiB record on each side of every call, even for 100
 * bytes): ciphertext read, plaintext unwrapped, ciphertext wrapped. Heap buffers: the JDK's engine
 * costs more on direct ones (perf/README.md, "TLS: the JDK engine's floor"). A connection keeps
 * only what is left over: part of a record read, ciphertext the socket did not take.
 */
final class TlsBuffers {

    /** More than any record (TLS 1.2's largest is 18,437 bytes with its header) plus a read. */
    static final int SIZE = 64 * 1024;
    /** Room a wrap or an unwrap needs to be sure a whole record fits. */
    static final int RECORD_ROOM = 18_437 + 1024;

    final ByteBuffer netIn = ByteBuffer.allocate(SIZE);
    final ByteBuffer app = ByteBuffer.allocate(SIZE);
    final ByteBuffer netOut = ByteBuffer.allocate(SIZE);
}
