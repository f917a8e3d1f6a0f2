package dev.spindle.io;

import java.net.InetSocketAddress;

/**
 * Thread-safe. A bound UDP socket on one io loop; datagrams that arrive go to its owner as
 * {@link UdpEvent.Received}. Sends are queued and sent in order by the loop.
 */
public interface UdpSocket extends AutoCloseable {

    InetSocketAddress localAddress();

    /**
     * Queues one datagram of {@code data} (copied) to {@code to}.
     *
     * @return {@code false} if the socket is closed or {@link #MAX_QUEUED} datagrams already wait
     *         (UDP may drop; this says so instead of buffering without bound); the datagram is
     *         then counted in {@link #droppedDatagrams()}
     */
    boolean send(InetSocketAddress to, byte[] data);

    /** {@return datagrams {@link #send} refused, or the kernel did not take} */
    long droppedDatagrams();

    /** Closes the socket; {@link UdpEvent.Closed} follows. */
    @Override
    void close();

    /** Datagrams that may wait to be sent. */
    int MAX_QUEUED = 4096;
}
