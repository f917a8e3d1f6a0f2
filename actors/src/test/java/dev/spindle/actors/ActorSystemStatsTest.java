package dev.spindle.actors;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ActorSystem#stats()} and {@link ActorSystem#sampleMailboxDepths}: exact once quiet, and a sampler that throws. */
class ActorSystemStatsTest {

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("%s within 10 s", what).isNegative();
            LockSupport.parkNanos(1_000_000);
        }
    }

    sealed interface Ball permits Ping, Pong {
    }

    record Ping(int left, ActorRef<Ball> back) implements Ball {
    }

    record Pong(int left) implements Ball {
    }

    /** Ping-pong between two actors, on the hand-off chain that yields every few hundred turns: every message is counted. */
    @Test
    void shouldCountEveryMessageOfAHandOffChainOnceQuiet() {
        try (ActorSystem system = ActorSystem.create("stats")) {
            AtomicInteger done = new AtomicInteger();
            ActorRef<Ball> ponger = system.spawn((ctx, ball) -> {
                if (ball instanceof Ping(int left, ActorRef<Ball> back)) {
                    back.tell(new Pong(left));
                }
                return Behavior.same();
            }, "ponger");
            ActorRef<Ball> pinger = system.spawn((ctx, ball) -> {
                if (ball instanceof Pong(int left)) {
                    if (left == 0) {
                        done.incrementAndGet();
                    } else {
                        ponger.tell(new Ping(left - 1, ctx.self()));
                    }
                }
                return Behavior.same();
            }, "pinger");
            pinger.tell(new Pong(10_000));
            await("the rally ends", () -> done.get() == 1);
            // 10,001 pongs to the pinger, 10,000 pings to the ponger
            await("every message counted", () -> system.stats().processed() == 20_001);
            ActorSystemStats stats = system.stats();
            assertThat(stats.spawned()).isEqualTo(2);
            assertThat(stats.alive()).isEqualTo(2);
            assertThat(stats.busyNanos()).isPositive();
            assertThat(stats.restarts()).isZero();
        }
    }

    @Test
    void shouldDropASamplerThatThrowsAndRunTheActorsAllTheSame() {
        try (ActorSystem system = ActorSystem.create("sampled")) {
            AtomicInteger calls = new AtomicInteger();
            system.sampleMailboxDepths(depth -> {
                calls.incrementAndGet();
                throw new IllegalStateException("a broken metrics hook");
            });
            AtomicInteger handled = new AtomicInteger();
            ActorRef<String> actor = system.spawn((ctx, m) -> {
                handled.incrementAndGet();
                return Behavior.same();
            }, "actor");
            for (int i = 0; i < 1_000; i++) {
                actor.tell("m" + i);
            }
            await("every message handled", () -> handled.get() == 1_000);
            assertThat(calls).hasValue(1);
        }
    }
}
