package dev.spindle.io;

/**
 * Decides, before each accept, whether a listener takes the next queued connection now or leaves
 * the queue a while to the other processes that accept from it (the cluster's round-robin: several
 * workers sharing one listening socket, each taking its turn). Set with
 * {@link TcpOptions#withAcceptGate}; the default, {@link #OPEN}, always accepts.
 *
 * <p>{@link #admit}, {@link #accepted} and {@link #closed} are called on the listener's loop thread;
 * {@link #released} on the loop that owns the connection, which may be another: a gate that counts
 * open connections must be thread-safe. None may block.
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

    /**
     * A connection {@link #accepted} here is gone: closed, or refused while being set up (an HTTP
     * server at its connection limit, say). Once per accepted connection, on the loop that owned it.
     */
    default void released() {
    }

    /**
     * {@return whether a closing listener accepts what is queued first} Yes for a socket of its own
     * (closing it would reset those connections); no for a queue shared with others that go on
     * accepting (taking all of it would hand a closing server everyone's connections).
     */
    default boolean drainOnClose() {
        return true;
    }

    /** The listener closed; nothing more is asked (connections accepted before may still be {@link #released}). */
    default void closed() {
    }
}
