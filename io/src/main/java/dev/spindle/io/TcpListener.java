package dev.spindle.io;

import java.net.InetSocketAddress;

/** Thread-safe. A listening socket; each connection it accepts goes to its owner as a {@link TcpEvent.Accepted}. */
public interface TcpListener extends AutoCloseable {

    /** {@return the address bound: with the port the OS chose, if port 0 was asked for} */
    InetSocketAddress localAddress();

    /**
     * {@return what the connections this listener accepted have done: open now, accepted, bytes read,
     * written and dropped} Counted as the connections work (one uncontended add per read and per
     * flush), summed here on the caller's thread; still counting after {@link #close()} while
     * connections it accepted stay open.
     */
    TcpListenerStats stats();

    /** Stops accepting; connections already accepted stay open. {@link TcpEvent.ListenerClosed} follows. */
    @Override
    void close();
}
