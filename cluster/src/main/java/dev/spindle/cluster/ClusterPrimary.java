package dev.spindle.cluster;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Thread-safe. The primary's side of a running cluster: its workers, and the way to stop them all.
 * Also closed by a JVM shutdown hook, so SIGTERM to the primary stops the cluster gracefully.
 */
public interface ClusterPrimary extends ClusterNode, AutoCloseable {

    /** {@return the worker slots, by id} */
    List<Worker> workers();

    /**
     * {@return the workers' state and the primary's IPC traffic, for monitoring: workers up,
     * restarts, given up, found unresponsive} Cheap: counts kept as things happen.
     */
    ClusterStats stats();

    /** {@return the worker with this id} */
    Worker worker(int id);

    /**
     * Replaces every worker's process, one worker at a time, with no gap in serving: a new process
     * starts beside the old one; once it says it listens ({@link ClusterWorker#listening}) it takes
     * the worker's place, and the old one is disconnected (it stops accepting, answers what it was
     * asked and exits). Then the next worker. Workers that never call {@code listening} hold it up.
     *
     * <p>One runs at a time. A request made while one runs is queued: one more rolling restart
     * follows the running one, and every request made before it starts shares it (they get the
     * same completion). So each request is followed by a whole rolling restart that began after it
     * (the workers then run what was deployed when it was asked), and two requests at once never
     * start two processes for one worker.
     *
     * @return completes when the last old process of the rolling restart that serves this request
     *         has exited; exceptionally if a new process exited before it listened (its worker
     *         keeps its old process; later workers are not replaced; a queued one runs still)
     */
    CompletionStage<Void> rollingRestart();

    /**
     * {@return completes when the primary has closed} Normally after {@link #close()}; exceptionally
     * ({@link IllegalStateException}) when it closed itself because every worker was given up and
     * none is to be retried ({@link ClusterEvent.AllGaveUp}). The library never exits the JVM;
     * a {@code main} that wants a supervisor (systemd, Kubernetes) to see a dead cluster says:
     * <pre>{@code
     * primary.terminated().exceptionally(failure -> { System.exit(1); return null; });
     * }</pre>
     * Dependent actions run on the thread that completes it, holding no lock of the cluster's.
     */
    CompletionStage<Void> terminated();

    /**
     * Disconnects every worker, waits up to {@link ClusterConfig#shutdownTimeout()} for them to
     * exit, kills those that did not, and removes the IPC socket. Idempotent.
     */
    @Override
    void close();
}
