package dev.spindle.samples.tour;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.cluster.Balancing;
import dev.spindle.cluster.Cluster;
import dev.spindle.cluster.ClusterConfig;
import dev.spindle.cluster.ClusterEvent;
import dev.spindle.cluster.ClusterPrimary;
import dev.spindle.cluster.ClusterWorker;
import dev.spindle.cluster.WorkerEvent;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import dev.spindle.io.http.HttpRequest;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

public final class FirstCluster {

    // One program: the primary runs it, and so does each worker process it forks.
    public static void main(String[] args) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        ClusterConfig config = ClusterConfig.defaults()
                .withWorkers(Integer.getInteger("workers", cores))
                .withBalancing(Balancing.ROUND_ROBIN); // connections dealt in turn, as in Node
        String name = Cluster.isPrimary() ? "primary" : "worker";
        try (ActorSystem system = ActorSystem.create(name)) {
            if (Cluster.isPrimary()) {
                runPrimary(system, config);
            } else {
                runWorker(system, config, Integer.getInteger("port", 8080));
            }
        }
    }

    // Forks the workers, restarts those that crash, and prints what happens to them.
    static void runPrimary(ActorSystem system, ClusterConfig config) throws Exception {
        CompletableFuture<Void> allExited = new CompletableFuture<>();
        ActorRef<ClusterEvent> events = system.spawn(printer(config.workers(), allExited), "cluster");
        // The JVM ends as soon as its shutdown hooks do: hold it until this method is done.
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runtime.getRuntime().addShutdownHook(
                new Thread(() -> done.completeOnTimeout(null, 15, TimeUnit.SECONDS).join()));
        try (ClusterPrimary primary = Cluster.startPrimary(system, config, events)) {
            // Ctrl-C or SIGTERM stops every worker gracefully, then completes this.
            primary.terminated().toCompletableFuture().join();
            // Closing the system stops its actors at once: first let the printer print the exits.
            allExited.get(10, TimeUnit.SECONDS);
        } finally {
            done.complete(null);
        }
    }

    // Prints each event (Forked, Online, Listening, Message, Exited...); completes allExited once
    // every worker has exited for good.
    static Behavior<ClusterEvent> printer(int workers, CompletableFuture<Void> allExited) {
        return Behavior.setup(ctx -> {
            int[] gone = {0};
            return (c, event) -> {
                System.out.println(event);
                if (event instanceof ClusterEvent.Exited exited && !exited.restarting() && ++gone[0] == workers) {
                    allExited.complete(null);
                }
                return Behavior.same();
            };
        });
    }

    // Serves the shared port until the primary says stop.
    static void runWorker(ActorSystem system, ClusterConfig config, int port) throws Exception {
        CompletableFuture<Void> stop = new CompletableFuture<>();
        ActorRef<WorkerEvent> inbox = system.spawn((ctx, event) -> {
            switch (event) {
                case WorkerEvent.Message(Object said) -> System.out.println("primary: " + said);
                case WorkerEvent.Disconnect _, WorkerEvent.PrimaryGone _ -> stop.complete(null);
            }
            return Behavior.same();
        }, "inbox");
        ClusterWorker worker = Cluster.joinAsWorker(system, config, inbox);
        ActorRef<HttpRequest> hello = system.spawn((ctx, request) -> {
            request.respond(200, "text/plain", "hello from worker " + worker.id() + "\n");
            return Behavior.same();
        }, "hello");
        // One loop per worker: the workers are the parallelism.
        try (worker; Io io = Io.create(IoConfig.defaults().withLoops(1))) {
            // Every worker serves the same port.
            HttpServer server = worker.serve(io, new InetSocketAddress(port),
                    HttpServerOptions.defaults(), Router.builder().get("/", hello).build());
            worker.send("worker " + worker.id() + " serves port " + port); // to the primary
            stop.join();
            // Answer what was asked, then leave.
            server.shutdown(Duration.ofSeconds(10)).toCompletableFuture().join();
        }
    }
}
