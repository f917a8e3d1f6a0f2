package dev.spindle.cluster;

/**
 * How the workers that listen on one address share its connections ({@link ClusterWorker#listen},
 * {@link ClusterWorker#serve}). Both need Linux; a primary elsewhere fails at start.
 */
public enum Balancing {

    /**
     * Each worker listens with {@code SO_REUSEPORT}; the kernel hashes each new connection to one
     * of the sockets. Nothing is shared but the port: the cheapest, and even over many connections,
     * but a few connections can land unevenly, and a worker that closes its socket resets the
     * connections still queued on it unless {@code net.ipv4.tcp_migrate_req=1}. Any number of
     * addresses per worker.
     */
    REUSE_PORT,

    /**
     * Node's default: connections dealt out in turn. The workers share one listening socket (its
     * descriptor passed between them with {@code SCM_RIGHTS}), so one accept queue, and each takes
     * a connection only when it is not ahead of the others by more than a few (counted in shared
     * memory). Even with a handful of connections; a worker that stops listening leaves its waiting
     * connections to the others. Workers run with {@code --enable-native-access=ALL-UNNAMED}, which
     * the primary adds; one such address per worker process.
     */
    ROUND_ROBIN
}
