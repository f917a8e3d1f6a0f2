package dev.spindle.cluster;

import java.util.List;

/**
 * Thread-safe. The primary's side of a running cluster: its workers, and the way to stop them all.
 * Also closed by a JVM shutdown hook, so SIGTERM to the primary stops the cluster gracefully.
 */
public interface ClusterPrimary extends AutoCloseable {

    /** {@return the worker slots, by id} */
    List<Worker> workers();

    /** {@return the worker with this id} */
    Worker worker(int id);

    /**
     * Disconnects every worker, waits up to {@link ClusterConfig#shutdownTimeout()} for them to
     * exit, kills those that did not, and removes the IPC socket. Idempotent.
     */
    @Override
    void close();
}
