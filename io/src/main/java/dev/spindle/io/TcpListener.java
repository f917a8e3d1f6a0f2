package dev.spindle.io;

import java.net.InetSocketAddress;

/** Thread-safe. A listening socket; each connection it accepts goes to its owner as a {@link TcpEvent.Accepted}. */
public interface TcpListener extends AutoCloseable {

    /** {@return the address bound: with the port the OS chose, if port 0 was asked for} */
    InetSocketAddress localAddress();

    /** Stops accepting; connections already accepted stay open. {@link TcpEvent.ListenerClosed} follows. */
    @Override
    void close();
}
