package dev.spindle.samples;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.cluster.Balancing;
import dev.spindle.cluster.Cluster;
import dev.spindle.cluster.ClusterConfig;
import dev.spindle.cluster.ClusterEvent;
import dev.spindle.cluster.ClusterPrimary;
import dev.spindle.cluster.ClusterWorker;
import dev.spindle.cluster.Worker;
import dev.spindle.cluster.WorkerEvent;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import dev.spindle.io.http.HttpMethod;
import dev.spindle.io.http.HttpRequest;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Node's {@code cluster} example, with Spindle: one program, run as a primary that forks one
 * worker per core, and as each worker. Every worker serves HTTP on the same port, dealt out
 * round-robin (one shared socket, the least loaded worker takes the next connection; Node's
 * default), or with {@code -Dbalancing=REUSE_PORT} by the kernel ({@code SO_REUSEPORT}):
 * <ul>
 *   <li>{@code GET /} answers which worker (and process) served it;</li>
 *   <li>{@code GET /cluster} asks the primary over IPC how the cluster is doing, and answers that;</li>
 *   <li>{@code POST /crash} makes the worker die; the primary restarts it after a short backoff;</li>
 *   <li>{@code POST /rolling-restart} has the primary replace every worker, one at a time, while
 *       the port keeps answering (each old worker drains: what it was asked is answered).</li>
 * </ul>
 * {@code ./run ClusterHello} starts it; {@code -Dport=N} picks another port (default 8080),
 * {@code -Dworkers=N} how many workers; Ctrl-C, or SIGTERM to the primary, stops the primary, which
 * first stops every worker gracefully.
 */
public final class ClusterHello {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterHello.class);

    /** Worker and primary build the same config: plain text messages need no codec of their own. */
    static final ClusterConfig CONFIG = ClusterConfig.defaults()
            .withWorkers(Integer.getInteger("workers", Runtime.getRuntime().availableProcessors()))
            .withBalancing(Balancing.valueOf(System.getProperty("balancing", "ROUND_ROBIN")))
            .withRestarts(Duration.ofMillis(200), Duration.ofSeconds(5), 5, Duration.ofMinutes(1));

    private ClusterHello() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("port", 8080);
        if (!Cluster.isPrimary()) {
            // stopped by its primary (disconnect), not by signals: a terminal's Ctrl-C reaches the primary only
            try (ActorSystem system = ActorSystem.create("worker-" + Cluster.workerId())) {
                runWorker(system, port);
            }
            return;
        }
        StopSignal.run(stop -> {
            try (ActorSystem system = ActorSystem.create("primary"); ClusterPrimary primary = startPrimary(system, CONFIG)) {
                LOG.info("primary (pid {}): {} workers will serve http://localhost:{}/ (try /, /cluster, "
                        + "POST /crash, POST /rolling-restart); Ctrl-C stops", ProcessHandle.current().pid(), primary.workers().size(), port);
                stop.await();
            }
        });
    }

    /** The primary: forks the workers and answers their questions about the cluster. */
    static ClusterPrimary startPrimary(ActorSystem system, ClusterConfig config) throws IOException {
        CompletableFuture<ClusterPrimary> started = new CompletableFuture<>();
        ActorRef<ClusterEvent> watcher = system.spawn((ctx, event) -> {
            switch (event) {
                case ClusterEvent.Forked(Worker w, long pid) -> LOG.info("worker {} forked (pid {})", w.id(), pid);
                case ClusterEvent.Online(Worker w) -> LOG.info("worker {} online", w.id());
                case ClusterEvent.Listening(Worker w, InetSocketAddress at) -> LOG.info("worker {} listening on {}", w.id(), at);
                case ClusterEvent.Message(Worker w, Object text) when text.equals("rolling restart") ->
                        started.join().rollingRestart().whenComplete((done, failure) -> LOG.info(
                                "rolling restart {}", failure == null ? "done: every worker replaced" : "stopped: " + failure));
                case ClusterEvent.Message(Worker w, Object question) -> w.send(describe(started.join()));
                case ClusterEvent.Disconnected(Worker w) -> LOG.info("worker {} disconnected", w.id());
                case ClusterEvent.Exited(Worker w, long pid, int code, String signal, boolean restarting) -> LOG.info(
                        "worker {} (pid {}) exited ({}){}", w.id(), pid, signal != null ? signal : "code " + code,
                        restarting ? ", restarting it" : "");
                case ClusterEvent.GaveUp(Worker w, int crashes) -> LOG.warn("worker {} crashed {} times: given up", w.id(), crashes);
                case ClusterEvent.Overflow(Worker w) -> LOG.warn("worker {} is behind: messages to it dropped", w.id());
                case ClusterEvent.AllGaveUp(var retryAfter) -> LOG.error("every worker was given up");
                case ClusterEvent.Unresponsive(Worker w, long pid, var silence, boolean killed) -> LOG.warn("worker {} unresponsive", w.id());
            }
            return Behavior.same();
        }, "cluster");
        ClusterPrimary primary = Cluster.startPrimary(system, config, watcher);
        started.complete(primary);
        return primary;
    }

    private static String describe(ClusterPrimary primary) {
        return primary.workers().stream()
                .map(w -> "worker " + w.id() + ": " + (w.isConnected() ? "online" : "down") + ", pid "
                        + (w.pid().isPresent() ? w.pid().getAsLong() : "-") + ", started " + w.incarnation() + "×")
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** A worker: serves the shared port until the primary disconnects it or goes away. */
    static void runWorker(ActorSystem system, int port) throws Exception {
        int id = Cluster.workerId();
        long pid = ProcessHandle.current().pid();
        try (Io io = Io.create(IoConfig.defaults().withLoops(1))) {
            CompletableFuture<ClusterWorker> self = new CompletableFuture<>();
            CompletableFuture<HttpServer> server = new CompletableFuture<>();
            // One actor is the worker: its HTTP routes, and its inbox from the primary.
            ActorRef<Object> worker = system.spawn(new Behavior<>() {
                /** Requests waiting for the primary's answer; it answers in order. */
                private final Queue<HttpRequest> asking = new ArrayDeque<>();

                @Override
                public Behavior<Object> receive(dev.spindle.actors.ActorContext<Object> ctx, Object message) {
                    switch (message) {
                        case HttpRequest request when request.path().equals("/cluster") -> {
                            asking.add(request);
                            self.join().send("how is the cluster?");
                        }
                        case HttpRequest request when request.path().equals("/rolling-restart") -> {
                            self.join().send("rolling restart");
                            request.respond(202, "text/plain", "the primary replaces the workers one by one\n");
                        }
                        case HttpRequest request when request.path().equals("/crash") -> {
                            request.respond(200, "text/plain", "worker " + id + " (pid " + pid + ") crashes now\n");
                            Thread.ofVirtual().start(() -> {
                                try {
                                    Thread.sleep(100); // let the answer go out
                                } catch (InterruptedException ignored) {
                                    // crash anyway
                                }
                                Runtime.getRuntime().halt(1);
                            });
                        }
                        case HttpRequest request -> request.respond(200, "text/plain",
                                "hello from worker " + id + " (pid " + pid + ")\n");
                        case WorkerEvent.Message(String answer) when !asking.isEmpty() ->
                                asking.poll().respond(200, "text/plain", answer);
                        case WorkerEvent.Disconnect() ->
                                // stop accepting, answer what was asked (Connection: close), then leave
                                server.join().shutdown(Duration.ofSeconds(10)).thenRun(() -> self.join().close());
                        default -> {
                        }
                    }
                    return Behavior.same();
                }
            }, "worker");
            ClusterWorker joined = Cluster.joinAsWorker(system, CONFIG, worker);
            self.complete(joined);
            Router router = Router.builder()
                    .route(HttpMethod.GET, "/", worker, request -> request)
                    .route(HttpMethod.GET, "/cluster", worker, request -> request)
                    .route(HttpMethod.POST, "/crash", worker, request -> request)
                    .route(HttpMethod.POST, "/rolling-restart", worker, request -> request)
                    .build();
            // every worker serves the port; the primary's balancing decides who takes a connection
            server.complete(joined.serve(io, new InetSocketAddress(port), HttpServerOptions.defaults(), router));
            joined.whenClosed().toCompletableFuture().join();
        }
    }
}
