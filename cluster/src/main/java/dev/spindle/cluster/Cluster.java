package dev.spindle.cluster;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.cluster.internal.PrimaryImpl;
import dev.spindle.cluster.internal.WorkerImpl;

import java.io.IOException;

/**
 * Node's {@code cluster}: one program, run as a primary that forks worker processes, and as each of
 * those workers. A worker is told apart by its environment, which the primary sets.
 *
 * <pre>{@code
 * ClusterConfig config = ClusterConfig.defaults().withCodec(2, Chat.class, Chat.CODEC);
 * if (Cluster.isPrimary()) {
 *     ClusterPrimary primary = Cluster.startPrimary(system, config, system.spawn(watcher, "cluster"));
 * } else {
 *     ClusterWorker worker = Cluster.joinAsWorker(system, config, system.spawn(inbox, "worker"));
 *     // listen on the shared port with TcpOptions.withReusePort(true), then:
 *     worker.listening(address);
 *     worker.whenClosed().toCompletableFuture().join();
 * }
 * }</pre>
 */
public final class Cluster {

    /** The worker's slot number; set by the primary in each worker's environment. */
    public static final String WORKER_ID_ENV = "SPINDLE_CLUSTER_WORKER";

    private Cluster() {
    }

    /** {@return true unless this process is a worker a primary forked} */
    public static boolean isPrimary() {
        return System.getenv(WORKER_ID_ENV) == null;
    }

    /** {@return this worker's slot number (1 and up), or 0 in the primary} */
    public static int workerId() {
        String id = System.getenv(WORKER_ID_ENV);
        return id == null ? 0 : Integer.parseInt(id);
    }

    /**
     * Starts the primary: opens its private IPC socket, forks {@link ClusterConfig#workers()}
     * workers and restarts those that crash; everything that happens goes to {@code events}.
     * {@code system} gets the dead letters of messages to other processes that cannot arrive.
     *
     * @throws IllegalStateException if this process is a worker, or the JVM is shutting down (its
     *                               shutdown hook, which stops the workers, cannot be added then)
     * @throws IOException           if the IPC socket cannot be opened
     */
    public static ClusterPrimary startPrimary(ActorSystem system, ClusterConfig config,
            ActorRef<? super ClusterEvent> events) throws IOException {
        if (!isPrimary()) {
            throw new IllegalStateException("worker " + workerId() + " cannot start a primary: use joinAsWorker");
        }
        return PrimaryImpl.start(system, config, events);
    }

    /**
     * Connects this worker to its primary; what the primary sends goes to {@code inbox}.
     * {@code system} gets the dead letters of messages to other processes that cannot arrive.
     *
     * @throws IllegalStateException if this process is not a worker
     * @throws IOException           if the primary cannot be reached
     */
    public static ClusterWorker joinAsWorker(ActorSystem system, ClusterConfig config,
            ActorRef<? super WorkerEvent> inbox) throws IOException {
        if (isPrimary()) {
            throw new IllegalStateException("this process is the primary, not a worker (no " + WORKER_ID_ENV + ")");
        }
        return WorkerImpl.join(system, config, inbox);
    }
}
