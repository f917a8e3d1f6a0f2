package dev.spindle.perf.cluster;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.cluster.Cluster;
import dev.spindle.cluster.ClusterConfig;
import dev.spindle.cluster.ClusterEvent;
import dev.spindle.cluster.ClusterPrimary;
import dev.spindle.cluster.ClusterWorker;
import dev.spindle.cluster.WorkerEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Cluster IPC round trips: the primary's actor and one worker's actor pass a 16-byte message back
 * and forth (one in flight), for the same warm-up and rounds as Node's {@code perf/node/ipc.js},
 * and print the same RESULT line.
 * Run: {@code java -cp perf/target/benchmarks.jar dev.spindle.perf.cluster.IpcPingPong}
 */
public final class IpcPingPong {

    static final long WARMUP_NANOS = 2_000_000_000L;
    static final long ROUND_NANOS = 2_000_000_000L;
    static final int ROUNDS = 5;
    static final ClusterConfig CONFIG = ClusterConfig.defaults().withWorkers(1).withWorkerMain(IpcPingPong.class);

    private IpcPingPong() {
    }

    public static void main(String[] args) throws Exception {
        try (ActorSystem system = ActorSystem.create(Cluster.isPrimary() ? "ipc-primary" : "ipc-worker")) {
            if (Cluster.isPrimary()) {
                primary(system);
            } else {
                CompletableFuture<ClusterWorker> self = new CompletableFuture<>();
                ActorRef<WorkerEvent> echo = system.spawn((ctx, event) -> {
                    if (event instanceof WorkerEvent.Message(Object message)) {
                        self.join().send(message);
                    } else if (event instanceof WorkerEvent.Disconnect) {
                        self.join().close();
                    }
                    return Behavior.same();
                }, "echo");
                ClusterWorker worker = Cluster.joinAsWorker(system, CONFIG, echo);
                self.complete(worker);
                worker.whenClosed().toCompletableFuture().join();
            }
        }
    }

    private static void primary(ActorSystem system) throws Exception {
        CompletableFuture<List<Double>> done = new CompletableFuture<>();
        byte[] payload = new byte[16];
        ActorRef<ClusterEvent> pinger = system.spawn(new Behavior<>() {
            private final List<Double> rates = new ArrayList<>();
            private final long startedAt = System.nanoTime();
            private long roundStart;
            private long trips;
            private boolean warm;

            @Override
            public Behavior<ClusterEvent> receive(dev.spindle.actors.ActorContext<ClusterEvent> ctx, ClusterEvent event) {
                switch (event) {
                    case ClusterEvent.Online online -> online.worker().send(payload);
                    case ClusterEvent.Message(var worker, Object message) -> {
                        trips++;
                        long now = System.nanoTime();
                        if (!warm) {
                            if (now - startedAt >= WARMUP_NANOS) {
                                warm = true;
                                trips = 0;
                                roundStart = now;
                            }
                        } else if (now - roundStart >= ROUND_NANOS) {
                            rates.add(trips * 1e9 / (now - roundStart));
                            trips = 0;
                            roundStart = now;
                            if (rates.size() == ROUNDS) {
                                done.complete(List.copyOf(rates));
                                return Behavior.same();
                            }
                        }
                        worker.send(message);
                    }
                    default -> {
                    }
                }
                return Behavior.same();
            }
        }, "pinger");
        ClusterPrimary primary = Cluster.startPrimary(system, CONFIG, pinger);
        try {
            List<Double> rates = done.get();
            double median = rates.stream().sorted().toList().get(rates.size() / 2);
            System.out.printf(Locale.ROOT, "RESULT spindle ipc median=%.1f unit=trips/s all=%s%n", median,
                    rates.stream().map(r -> String.format(Locale.ROOT, "%.1f", r)).collect(Collectors.joining(",")));
        } finally {
            primary.close();
        }
    }
}
