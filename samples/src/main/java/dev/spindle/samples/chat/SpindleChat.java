package dev.spindle.samples.chat;

import dev.spindle.samples.HttpsFromProperties;
import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.cluster.Balancing;
import dev.spindle.cluster.Cluster;
import dev.spindle.cluster.ClusterConfig;
import dev.spindle.cluster.ClusterEvent;
import dev.spindle.cluster.ClusterPrimary;
import dev.spindle.samples.StopSignal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Spindle Chat, the flagship sample: a primary and one worker per core serve a live chat on one
 * port. Open {@code http://localhost:8080/}, pick a name and a room, and talk; messages reach every
 * subscriber on every worker (each worker's room actors get them from the primary, which gives each
 * room its order). {@code nc localhost 9090} joins the same rooms from a terminal. See the README
 * for the API, the CPU and blocking routes, and killing a worker while the rooms go on.
 *
 * <p>{@code ./run} starts it (from the repository root); {@code -Dport=N} (8080),
 * {@code -DtcpPort=N} (9090), {@code -Dworkers=N} (one per core), {@code -Dhistory=N} (messages
 * each room keeps, 2,000; see {@link ChatConfig}), {@code -DmetricsPort=N} (the primary's meters
 * at {@code /metrics} there; each worker serves its own on the chat's port). Ctrl-C, or SIGTERM to
 * the primary, stops the primary, which first stops every worker gracefully.
 */
public final class SpindleChat {

    private static final Logger LOG = LoggerFactory.getLogger(SpindleChat.class);

    /** The rooms; another name is answered 404. */
    static final List<String> ROOMS = List.of("general", "random", "help");

    private SpindleChat() {
    }

    /** {@return the config the primary and its workers share: the chat's codecs, round-robin HTTP} */
    static ClusterConfig config() {
        return Protocol.withCodecs(ClusterConfig.defaults()
                .withWorkers(Integer.getInteger("workers", Runtime.getRuntime().availableProcessors()))
                .withBalancing(Balancing.ROUND_ROBIN)
                .withRestarts(Duration.ofMillis(200), Duration.ofSeconds(5), 5, Duration.ofMinutes(1)));
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("port", 8080);
        int tcpPort = Integer.getInteger("tcpPort", 9090);
        if (!Cluster.isPrimary()) {
            // stopped by the primary (disconnect), not by signals: a terminal's Ctrl-C reaches the primary only
            try (ActorSystem system = ActorSystem.create("chat-worker-" + Cluster.workerId())) {
                ChatWorker.run(system, ChatConfig.defaults(), port, tcpPort);
            }
            return;
        }
        StopSignal.run(stop -> {
            try (ActorSystem system = ActorSystem.create("chat-primary");
                    ClusterPrimary primary = startPrimary(system, config(), ChatConfig.defaults())) {
                LOG.info("Spindle Chat: {} workers; open {}://localhost:{}/ or nc localhost {}; Ctrl-C stops",
                        primary.workers().size(), HttpsFromProperties.scheme(), port, tcpPort);
                stop.await();
            }
        });
    }

    /** With {@code -DmetricsPort=N}: the primary's meters (the cluster's workers, restarts, IPC) at {@code GET /metrics} there. */
    private static void servePrimaryMetrics(ActorSystem system, ClusterPrimary primary) {
        Integer metricsPort = Integer.getInteger("metricsPort");
        if (metricsPort == null) {
            return;
        }
        try {
            Observability.servePrimary(system, primary, metricsPort);
            LOG.info("Spindle Chat: the primary's metrics at http://localhost:{}/metrics", metricsPort);
        } catch (IOException e) {
            // The chat serves all the same: its workers' /metrics are on the chat's port.
            LOG.error("Spindle Chat: the primary's metrics cannot listen on port {} ({}); the chat runs without them. "
                    + "Give a free port with -DmetricsPort=N", metricsPort, e.toString());
        }
    }

    /** Starts the primary: the hub actor, then the workers. */
    static ClusterPrimary startPrimary(ActorSystem system, ClusterConfig config, ChatConfig chat) throws IOException {
        CompletableFuture<ClusterPrimary> started = new CompletableFuture<>();
        ActorRef<ClusterEvent> hub = system.spawn(new Hub(started, chat), "hub");
        ClusterPrimary primary = Cluster.startPrimary(system, config, hub);
        started.complete(primary);
        servePrimaryMetrics(system, primary);
        return primary;
    }
}
