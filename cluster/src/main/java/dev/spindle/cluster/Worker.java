package dev.spindle.cluster;

import java.util.OptionalLong;

/**
 * Thread-safe. The primary's handle on one worker slot (Node's {@code Worker}): it keeps its
 * {@link #id()} when a crashed process is replaced, and always speaks to the current process.
 */
public interface Worker {

    /** {@return the slot's number, 1 to {@link ClusterConfig#workers()}; the worker reads it as {@link Cluster#workerId()}} */
    int id();

    /** {@return the current process's id, if one is running} */
    OptionalLong pid();

    /** {@return how many processes this slot has started so far (1 before any restart)} */
    int incarnation();

    /** {@return whether the current process is connected: {@link #send} reaches it} */
    boolean isConnected();

    /**
     * Sends {@code message} to the worker, in order after earlier sends from this thread; its type
     * needs a codec ({@link ClusterConfig#withCodec}).
     *
     * @return false if the worker is not connected, or left its IPC ring full for
     *         {@link ClusterConfig#sendTimeout()} (then it waits no more until the worker reads
     *         again, and the message is a dead letter too, {@link ClusterEvent.Overflow} told once
     *         per stall): the message is counted in {@link #undelivered()}, never silently lost
     * @throws IllegalArgumentException if no codec is registered for the message's type
     */
    boolean send(Object message);

    /** {@return messages {@link #send} could not hand to a connected worker} */
    long undelivered();

    /**
     * Asks the worker to stop gracefully ({@link WorkerEvent.Disconnect}): it finishes what is in
     * flight and exits; it is not restarted.
     */
    void disconnect();

    /**
     * Sends {@code signal} ({@code "SIGTERM"}, {@code "SIGKILL"}, {@code "SIGINT"}, ...) to the
     * worker's process; a worker killed this way is not restarted (one killed from outside is).
     */
    void kill(String signal);
}
