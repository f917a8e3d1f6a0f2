package dev.spindle.perf.http;

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
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The Spindle side of {@link ClusterComparison}: a primary and N workers (second argument, default
 * 2) serving {@code /plaintext} on one port (first argument), each worker with one io loop, the port
 * shared as the third argument says ({@code ROUND_ROBIN} or {@code REUSE_PORT}, the default). Prints {@code READY} once every worker listens; a line
 * {@code stats} on stdin prints each worker's open connections ({@code STATS 1=25 2=25}).
 */
public final class ClusterHttpServer {

    private ClusterHttpServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Balancing balancing = args.length > 2 ? Balancing.valueOf(args[2]) : Balancing.REUSE_PORT;
        ClusterConfig config = ClusterConfig.defaults().withWorkers(workers).withBalancing(balancing)
                .withWorkerMain(ClusterHttpServer.class, args);
        try (ActorSystem system = ActorSystem.create("cluster-http")) {
            if (Cluster.isPrimary()) {
                primary(system, config, workers);
            } else {
                worker(system, config, port);
            }
        }
    }

    private static void primary(ActorSystem system, ClusterConfig config, int workers) throws Exception {
        ActorRef<ClusterEvent> watcher = system.spawn(new Behavior<>() {
            private int listening;
            private final Map<Integer, String> open = new TreeMap<>();

            @Override
            public Behavior<ClusterEvent> receive(dev.spindle.actors.ActorContext<ClusterEvent> ctx, ClusterEvent event) {
                switch (event) {
                    case ClusterEvent.Listening l -> {
                        if (++listening == workers) {
                            System.out.println("READY spindle-cluster");
                        }
                    }
                    case ClusterEvent.Message(Worker w, Object count) -> {
                        open.put(w.id(), (String) count);
                        if (open.size() == workers) {
                            StringBuilder line = new StringBuilder("STATS");
                            open.forEach((id, n) -> line.append(' ').append(id).append('=').append(n));
                            System.out.println(line);
                            open.clear();
                        }
                    }
                    case ClusterEvent.Exited e -> System.out.println("worker " + e.worker().id() + " exited " + e.code());
                    default -> {
                    }
                }
                return Behavior.same();
            }
        }, "watcher");
        try (ClusterPrimary primary = Cluster.startPrimary(system, config, watcher)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.contains("stats")) {
                    primary.workers().forEach(w -> w.send("stats"));
                }
            }
        }
    }

    private static void worker(ActorSystem system, ClusterConfig config, int port) throws Exception {
        try (Io io = Io.create(IoConfig.defaults().withLoops(1))) {
            CompletableFuture<ClusterWorker> self = new CompletableFuture<>();
            CompletableFuture<HttpServer> server = new CompletableFuture<>();
            ActorRef<WorkerEvent> inbox = system.spawn((ctx, event) -> {
                switch (event) {
                    case WorkerEvent.Message m -> self.join().send(Integer.toString(server.join().openConnections()));
                    case WorkerEvent.Disconnect d ->
                            server.join().shutdown(java.time.Duration.ofSeconds(10)).thenRun(() -> self.join().close());
                    case WorkerEvent.PrimaryGone g -> {
                    }
                }
                return Behavior.same();
            }, "inbox");
            ClusterWorker worker = Cluster.joinAsWorker(system, config, inbox);
            self.complete(worker);
            Router router = Router.builder().get("/plaintext", system.spawn((ctx, request) -> {
                request.respond(200, "text/plain", Routes.HELLO);
                return Behavior.same();
            }, "plaintext", SpindleHttpServer.BUSY)).build();
            server.complete(worker.serve(io, new InetSocketAddress("127.0.0.1", port), HttpServerOptions.defaults(), router));
            worker.whenClosed().toCompletableFuture().join();
        }
    }
}
