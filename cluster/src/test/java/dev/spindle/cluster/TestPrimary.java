package dev.spindle.cluster;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;

import java.util.concurrent.CountDownLatch;

/**
 * A primary program for tests that need the primary in a process of its own: two echo
 * {@link TestWorker}s; prints {@code READY <pid> <pid>} once both are online, then waits to be
 * stopped (SIGTERM runs the cluster's shutdown hook). With {@code as-the-jvm-stops}, it starts the
 * primary in a shutdown hook instead (as when a signal comes while {@code main} starts it) and
 * prints {@code STARTED} or {@code REFUSED: <why>}.
 */
public final class TestPrimary {

    private TestPrimary() {
    }

    public static void main(String[] args) throws Exception {
        ActorSystem system = ActorSystem.create("test-primary");
        CountDownLatch online = new CountDownLatch(2);
        ActorRef<ClusterEvent> events = system.spawn((ctx, event) -> {
            if (event instanceof ClusterEvent.Online) {
                online.countDown();
            }
            return Behavior.same();
        }, "events");
        if (args.length > 0 && args[0].equals("as-the-jvm-stops")) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Cluster.startPrimary(system, TestWorker.CONFIG.withWorkerMain(TestWorker.class, "echo"), events);
                    System.out.println("STARTED");
                } catch (IllegalStateException | java.io.IOException e) {
                    System.out.println("REFUSED: " + e);
                }
            }));
            System.exit(0);
        }
        ClusterPrimary primary = Cluster.startPrimary(system, TestWorker.CONFIG.withWorkerMain(TestWorker.class, "echo"), events);
        online.await();
        System.out.println("READY " + primary.worker(1).pid().orElseThrow() + " " + primary.worker(2).pid().orElseThrow());
        new CountDownLatch(1).await();
    }
}
