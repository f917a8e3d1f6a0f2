package dev.spindle.cluster;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;

import java.util.concurrent.CountDownLatch;

/**
 * A primary program for tests that need the primary in a process of its own: two echo
 * {@link TestWorker}s; prints {@code READY <pid> <pid>} once both are online, then waits to be
 * stopped (SIGTERM runs the cluster's shutdown hook).
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
        ClusterPrimary primary = Cluster.startPrimary(system, TestWorker.CONFIG.withWorkerMain(TestWorker.class, "echo"), events);
        online.await();
        System.out.println("READY " + primary.worker(1).pid().orElseThrow() + " " + primary.worker(2).pid().orElseThrow());
        new CountDownLatch(1).await();
    }
}
