package dev.spindle.io;

/**
 * Decides, before each accept, whether a listener takes the next queued connection now or leaves
 * the queue a while to the other processes that accept from it (the cluster's round-robin: several
 * workers sharing one listening socket, each taking its turn). Set with
 * {@link TcpOptions#withAcceptGate}; the default, {@link #OPEN}, always accepts.
 *
 * <p>Called on the listener's loop thread only, so an implementation needs no lock of its own for
 * the listener's state; it must not block.
 */
@FunctionalInterface
public interface AcceptGate {

    /** Accepts every connection as soon as it is queued. */
    AcceptGate OPEN = () -> 0;

    /**
     * {@return 0 to accept the next connection now, or how many nanoseconds to leave the queue to
     * others before the listener asks again}
     */
    long admit();

    /** A connection was accepted: {@link #admit()} had answered 0, or the listener is closing and takes what is queued. */
    default void accepted() {
    }

    /** The listener closed; nothing more is asked. */
    default void closed() {
    }
}
