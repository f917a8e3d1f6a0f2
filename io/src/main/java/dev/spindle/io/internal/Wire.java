package dev.spindle.io.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Loop-confined. The bytes under a {@link Transport}: a socket on a loop's selector
 * ({@link SocketWire}), or memory in tests. It reads and writes without blocking, is told which
 * readiness its transport waits for, and calls the transport's {@link Transport#onReady} when it
 * comes.
 */
public interface Wire {

    /** Readiness a transport waits for: bytes to read. */
    int READ = 1;
    /** Readiness a transport waits for: room to write. */
    int WRITE = 2;

    /** Starts delivering readiness to {@code transport} (once). */
    void attach(Transport transport) throws IOException;

    /** {@return bytes read into {@code into}: 0 if none are there, -1 at the peer's FIN} */
    int read(ByteBuffer into) throws IOException;

    /** {@return bytes taken from {@code from[offset..offset+length)}, in order: 0 when full} */
    long write(ByteBuffer[] from, int offset, int length) throws IOException;

    /** Sends FIN after what was written. */
    void shutdownOutput() throws IOException;

    /** Waits for {@code ops} ({@link #READ} | {@link #WRITE}) only. */
    void interest(int ops);

    /** Closes at once, gracefully (what the kernel holds still goes). Idempotent. */
    void close();

    /** Closes with a reset (RST), dropping what the kernel holds. Idempotent. */
    void reset();

    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();
}
