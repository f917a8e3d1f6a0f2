package dev.spindle.metrics;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.SupervisorStrategy;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ActorSystemMetricsTest {

    private static double counter(SimpleMeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    @Test
    void shouldCountActorsMessagesTimeDeadLettersAndRestarts() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ActorSystem system = ActorSystem.create("metered")) {
            BoundMeters meters = SpindleMetrics.bind(registry, system);
            ActorRef<String> sink = system.spawn(Behavior.ignore(), "sink");
            ActorRef<String> fragile = system.spawn(Behavior.supervise((ctx, m) -> {
                if (m.equals("fail")) {
                    throw new IllegalStateException("asked to fail");
                }
                return Behavior.same();
            }, SupervisorStrategy.restart()), "fragile");
            for (int i = 0; i < 10_000; i++) {
                sink.tell("m" + i);
            }
            fragile.tell("fail");
            fragile.tell("after");
            ActorRef<String> doomed = system.spawn((ctx, m) -> Behavior.stopped(), "doomed");
            doomed.tell("stop");
            Eventually.await("the doomed actor stopped", () -> system.stats(doomed).stopped());
            doomed.tell("too late");

            Eventually.await("every message processed", () -> counter(registry, "spindle.actors.messages.processed",
                    "system", "metered") == 10_003, () -> "processed " + counter(registry, "spindle.actors.messages.processed",
                    "system", "metered") + ", system stats " + system.stats());
            assertThat(registry.get("spindle.actors.alive").tags("system", "metered").gauge().value()).isEqualTo(2);
            assertThat(counter(registry, "spindle.actors.spawned", "system", "metered")).isEqualTo(3);
            assertThat(counter(registry, "spindle.actors.processing.time", "system", "metered")).isPositive();
            Eventually.await("the restart counted", () -> counter(registry, "spindle.actors.restarts", "system", "metered") == 1);
            assertThat(counter(registry, "spindle.actors.dead.letters", "system", "metered", "reason", "stopped")).isEqualTo(1);
            assertThat(counter(registry, "spindle.actors.dead.letters", "system", "metered", "reason", "mailbox_full")).isZero();
            DistributionSummary depth = registry.get("spindle.actors.mailbox.depth").tags("system", "metered").summary();
            assertThat(depth.count()).isPositive();
            assertThat(depth.max()).isPositive();

            meters.close();
            assertThat(registry.find("spindle.actors.alive").meters()).isEmpty();
            assertThat(registry.find("spindle.actors.mailbox.depth").meters()).isEmpty();
            long samples = depth.count();
            for (int i = 0; i < 1_000; i++) {
                sink.tell("unsampled");
            }
            Eventually.await("the last messages processed", () -> system.stats().processed() == 11_003);
            assertThat(depth.count()).as("no sampling after close").isEqualTo(samples);
        }
    }

    @Test
    void shouldExposeTheDepthOfANamedActorEvenWhileItBlocks() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (ActorSystem system = ActorSystem.create("blocked")) {
            ActorRef<String> stuck = system.spawn((ctx, m) -> {
                release.await();
                return Behavior.same();
            }, "stuck");
            SpindleMetrics.bindMailbox(registry, system, stuck);
            for (int i = 0; i < 5; i++) {
                stuck.tell("m" + i);
            }
            // Four wait behind the one in hand; the mailbox publishes what its consumer took after the
            // batch, so the one in hand may still count.
            Eventually.await("four waiting behind the blocked one", () -> registry.get("spindle.actor.mailbox.depth")
                    .tags("system", "blocked", "actor", "/user/stuck").gauge().value() >= 4);
            release.countDown();
            Eventually.await("drained", () -> registry.get("spindle.actor.mailbox.depth").gauge().value() == 0);
        }
    }

    @Test
    void shouldCountTheAliveDownAsActorsStop() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ActorSystem system = ActorSystem.create("churn")) {
            SpindleMetrics.bind(registry, system);
            ActorRef<String> parent = system.spawn(Behavior.setup(ctx -> {
                for (int i = 0; i < 100; i++) {
                    ctx.spawnAnonymous(Behavior.<String>ignore());
                }
                return (c, m) -> Behavior.stopped();
            }), "parent");
            Eventually.await("101 alive", () -> registry.get("spindle.actors.alive").gauge().value() == 101);
            parent.tell("stop");
            Eventually.await("none alive", () -> registry.get("spindle.actors.alive").gauge().value() == 0);
            assertThat(counter(registry, "spindle.actors.spawned", "system", "churn")).isEqualTo(101);
        }
    }
}
