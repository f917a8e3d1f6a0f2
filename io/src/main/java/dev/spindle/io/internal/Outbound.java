package dev.spindle.io.internal;

import java.nio.ByteBuffer;

/**
 * Loop-confined once queued. Bytes queued on a {@link Transport} that want to hear when the
 * transport is done with them (written whole, or dropped at a close), such as a pooled buffer
 * going back to its pool.
 */
public interface Outbound {

    /** {@return the bytes to send: position to limit; the transport advances the position} */
    ByteBuffer bytes();

    /** The transport is done with {@link #bytes()}: sent whole, or dropped. Called once. */
    void done();
}
