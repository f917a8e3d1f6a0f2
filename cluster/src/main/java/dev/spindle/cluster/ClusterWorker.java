package dev.spindle.cluster;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

/** Thread-safe. A worker's side of the cluster: its id and its link to the primary. */
public interface ClusterWorker extends ClusterNode, AutoCloseable {

    /** {@return this worker's slot number, 1 to the number of workers} */
    int id();

    /**
     * Sends {@code message} to the primary ({@link ClusterEvent.Message}), in order after earlier
     * sends from this thread.
     *
     * @return false if the link is closed: the message is counted in {@link #undelivered()}
     * @throws IllegalArgumentException if no codec is registered for the message's type
     */
    boolean send(Object message);

    /** {@return messages {@link #send} could not hand to the link} */
    long undelivered();

    /** Tells the primary this worker listens on {@code address} ({@link ClusterEvent.Listening}). */
    void listening(InetSocketAddress address);

    /** {@return completes when the link to the primary has closed, for whatever reason} */
    CompletionStage<Void> whenClosed();

    /** Closes the link after what was sent before; the primary sees {@link ClusterEvent.Disconnected}. */
    @Override
    void close();
}
