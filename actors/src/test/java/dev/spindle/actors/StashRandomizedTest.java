package dev.spindle.actors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "wait, stash the rest, unstash when done" pattern at volume (Savina's banking): messages are
 * stashed again while being unstashed, and {@code unstashAll} is called again mid-unstash, many
 * times over more than a turn's throughput. Whatever the interleaving, every job is handled once,
 * in the order it was sent. Seeded: the seed is printed, {@code -Dspindle.seed} replays it.
 */
class StashRandomizedTest {

    private final ActorSystem system = ActorSystem.create("stash");

    @AfterEach
    void close() {
        system.close();
    }

    sealed interface Msg {
        record Job(int id) implements Msg {
        }

        /** Not a job: counts down a wait like a stashed job does, so that the last wait ends. */
        record Tick() implements Msg {
        }
    }

    /**
     * Handles a job, then waits for the next {@code patience} messages (0 to 3, drawn per job),
     * stashing jobs meanwhile; the message that ends the wait unstashes them all, itself included
     * if it is a job. So a wait often ends on a message that was itself just unstashed.
     */
    static Behavior<Msg> waiter(long seed, int jobs, CompletableFuture<List<Integer>> done) {
        return new Behavior<>() {
            private final SplittableRandom random = new SplittableRandom(seed);
            private final List<Integer> handled = new ArrayList<>();
            private int patience;

            @Override
            public Behavior<Msg> receive(ActorContext<Msg> ctx, Msg msg) {
                if (patience > 0) {
                    if (msg instanceof Msg.Job) {
                        ctx.stash();
                    }
                    if (--patience == 0) {
                        ctx.unstashAll();
                    }
                    return Behavior.same();
                }
                if (msg instanceof Msg.Job(int id)) {
                    handled.add(id);
                    patience = random.nextInt(4);
                    if (handled.size() == jobs) {
                        done.complete(List.copyOf(handled));
                    }
                }
                return Behavior.same();
            }
        };
    }

    @Test
    void shouldHandleEveryJobOnceInOrderWhateverIsStashedAgain() throws Exception {
        long seed = Long.getLong("spindle.seed", System.nanoTime());
        System.out.println("StashRandomizedTest: seed " + seed + " (replay with -Dspindle.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        int jobs = 20_000;
        CompletableFuture<List<Integer>> done = new CompletableFuture<>();
        ActorRef<Msg> waiter = system.spawn(waiter(random.nextLong(), jobs, done), "waiter");
        for (int sent = 0; sent < jobs; ) {
            // Bursts of up to 500: stashes far deeper than a turn's 64 messages, and small ones.
            int burst = Math.min(jobs - sent, 1 + random.nextInt(500));
            for (int i = 0; i < burst; i++) {
                waiter.tell(new Msg.Job(sent++));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.isDone() && System.nanoTime() < deadline) {
            // The last jobs may wait for messages that never come: ticks end those waits.
            waiter.tell(new Msg.Tick());
            try {
                done.get(10, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException stillWaiting) {
                // tick again
            }
        }
        List<Integer> handled = done.get(1, TimeUnit.SECONDS);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            expected.add(i);
        }
        assertThat(handled).as("seed " + seed).isEqualTo(expected);
        assertThat(system.deadLetters().count()).as("seed " + seed).isZero();
    }

    /**
     * A restart with backoff in the middle of an unstash: what was stashed again (received first)
     * and what was not handled yet come back in the order they were received.
     */
    @Test
    void shouldKeepTheOrderOfStashedMessagesAcrossARestartMidUnstash() throws Exception {
        Probe<String> out = new Probe<>(system, "out");
        java.util.concurrent.atomic.AtomicBoolean stashedAgain = new java.util.concurrent.atomic.AtomicBoolean();
        Behavior<String> gate = Behavior.setup(ctx -> new Behavior<>() {
            private boolean open;

            @Override
            public Behavior<String> receive(ActorContext<String> c, String msg) {
                if (!open) {
                    if (msg.equals("open")) {
                        open = true;
                        c.unstashAll();
                    } else {
                        c.stash();
                    }
                    return Behavior.same();
                }
                switch (msg) {
                    case "first" -> {
                        if (stashedAgain.compareAndSet(false, true)) {
                            c.stash(); // once: it waits behind nothing, received before "second"
                        } else {
                            out.ref.tell(msg);
                        }
                    }
                    case "boom" -> throw new IllegalStateException("boom, mid-unstash");
                    default -> out.ref.tell(msg);
                }
                return Behavior.same();
            }
        });
        ActorRef<String> actor = system.spawn(Behavior.supervise(gate,
                SupervisorStrategy.restart().withBackoff(Duration.ofMillis(20), Duration.ofMillis(20), 0)), "gate");
        // Stashed: first, boom, second. "open" unstashes them: first is stashed again, boom fails
        // the actor, second has not been handled: the restart (after 20 ms) brings back both.
        for (String msg : List.of("first", "boom", "second", "open")) {
            actor.tell(msg);
        }
        actor.tell("open"); // to the restarted actor, which stashes again until opened
        out.expectMessage("first");
        out.expectMessage("second");
    }
}
