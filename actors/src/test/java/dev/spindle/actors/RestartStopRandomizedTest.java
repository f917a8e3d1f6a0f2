package dev.spindle.actors;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded: an actor that throws on every Nth message of each sender is restarted (with or without
 * backoff) while several threads send to it, and is stopped at a random moment. Every message
 * sent is then exactly one of: handled, failed (its handler threw), or a dead letter; and what
 * each sender's messages met (handled or failed) is in the order sent.
 */
class RestartStopRandomizedTest {

    record Msg(int sender, int seq) {
    }

    @Test
    void shouldAccountForEveryMessageAcrossRestartsAndStop() throws Exception {
        long seed = Long.getLong("spindle.seed", System.nanoTime());
        System.out.println("RestartStopRandomizedTest: seed " + seed + " (replay with -Dspindle.seed=" + seed + ")");
        Random random = new Random(seed);
        for (int scenario = 0; scenario < 8; scenario++) {
            runScenario(new Random(random.nextLong()), "seed " + seed + " scenario " + scenario);
        }
    }

    private void runScenario(Random random, String label) throws Exception {
        int senders = 1 + random.nextInt(4);
        int perSender = 500 + random.nextInt(3_000);
        int failEvery = 5 + random.nextInt(50);
        Duration backoff = random.nextBoolean() ? Duration.ZERO : Duration.ofNanos(1 + random.nextInt(500_000));
        int stopAfter = random.nextInt(senders * perSender);
        ConcurrentLinkedQueue<Msg> met = new ConcurrentLinkedQueue<>();
        AtomicLong failed = new AtomicLong();
        // A stash that holds every message: "stop" is a user message, and a full stash would
        // dead-letter it along with the others (a defined outcome, but then nothing stops the actor).
        try (ActorSystem system = ActorSystem.create("restarts", ActorSystemConfig.defaults().withStashCapacity(100_000))) {
            Behavior<Object> flaky = (ctx, message) -> {
                if (message.equals("stop")) {
                    return Behavior.stopped();
                }
                Msg msg = (Msg) message;
                met.add(msg);
                if (msg.seq() % failEvery == failEvery - 1) {
                    failed.incrementAndGet();
                    throw new IllegalStateException("planned failure " + msg);
                }
                return Behavior.same();
            };
            ActorRef<Object> target = system.spawn(Behavior.supervise(flaky, SupervisorStrategy.restart()
                    .withBackoff(backoff, backoff.multipliedBy(4), 0.5)
                    .withLimit(Integer.MAX_VALUE, Duration.ofMinutes(1))), "flaky");
            AtomicLong sent = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int sender = s;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perSender; i++) {
                        target.tell(new Msg(sender, i));
                        if (sent.incrementAndGet() == stopAfter) {
                            target.tell("stop");
                        }
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            if (stopAfter == 0) {
                target.tell("stop");
            }
            Eventually.until(() -> system.stats(target).stopped());
            long total = (long) senders * perSender;
            // The "stop" itself is handled, so it is not a dead letter; every Msg is accounted for.
            Eventually.until(() -> met.size() + system.deadLetters().count() == total);
            assertThat(met.size() + system.deadLetters().count()).as(label).isEqualTo(total);
            int[] last = new int[senders];
            java.util.Arrays.fill(last, -1);
            for (Msg msg : met) {
                assertThat(msg.seq()).as(label + ": order of sender " + msg.sender()).isGreaterThan(last[msg.sender()]);
                last[msg.sender()] = msg.seq();
            }
            // Dead letters: only those sent after the stop.
            assertThat(system.deadLetters().count(DeadLetter.Reason.STOPPED)).as(label)
                    .isEqualTo(system.deadLetters().count());
        }
    }
}
