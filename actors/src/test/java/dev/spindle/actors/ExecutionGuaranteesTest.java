package dev.spindle.actors;

import dev.spindle.mailbox.OverflowPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** One message at a time, per-sender FIFO, happens-before between handlings, and blocking that parks only its actor. */
class ExecutionGuaranteesTest {

    private ActorSystem system = ActorSystem.create("exec");

    @AfterEach
    void close() {
        system.close();
    }

    @Test
    void shouldNotLetAHandlerThatBlocksAfterSendingHoldUpTheActorItWoke() throws Exception {
        // A sends to the idle B, then blocks until B has run: B is A's hand-off successor, and
        // only the rescuer can start it while A blocks.
        CountDownLatch bRan = new CountDownLatch(1);
        CountDownLatch aDone = new CountDownLatch(1);
        ActorRef<String> b = system.spawn((ctx, msg) -> {
            bRan.countDown();
            return Behavior.same();
        }, "b");
        ActorRef<String> a = system.spawn((ctx, msg) -> {
            b.tell("wake up");
            if (bRan.await(10, TimeUnit.SECONDS)) {
                aDone.countDown();
            }
            return Behavior.same();
        }, "a");
        a.tell("go");
        assertThat(aDone.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void shouldKeepOtherActorsRunningWhileTenThousandBlock() throws Exception {
        int blockers = 10_000;
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(blockers);
        CountDownLatch unblocked = new CountDownLatch(blockers);
        Behavior<String> blocker = (ctx, msg) -> {
            blocked.countDown();
            release.await();
            unblocked.countDown();
            return Behavior.same();
        };
        for (int i = 0; i < blockers; i++) {
            system.spawnAnonymous(blocker).tell("block");
        }
        assertThat(blocked.await(30, TimeUnit.SECONDS)).as("all blockers are blocked at once").isTrue();

        // With every blocker parked, a pair of actors still plays 100,000 rounds of ping-pong.
        CountDownLatch rallyDone = new CountDownLatch(1);
        AtomicReference<ActorRef<Integer>> pong = new AtomicReference<>();
        ActorRef<Integer> ping = system.spawn((ctx, n) -> {
            if (n == 0) {
                rallyDone.countDown();
            } else {
                pong.get().tell(n - 1);
            }
            return Behavior.same();
        }, "ping");
        pong.set(system.spawn((ctx, n) -> {
            ping.tell(n);
            return Behavior.same();
        }, "pong"));
        ping.tell(100_000);
        assertThat(rallyDone.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(unblocked.getCount()).isEqualTo(blockers);

        release.countDown();
        assertThat(unblocked.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void shouldLetOtherActorsRunWhileTwoActorsWorkThroughDeepMailboxes() throws Exception {
        // Two actors with a million messages each keep both cores busy. Because an actor yields
        // after each batch of 'throughput' messages, a third actor's message is handled long
        // before either backlog is done.
        system.close();
        system = ActorSystem.create("fair", ActorSystemConfig.defaults().withThroughput(Integer.getInteger("fairness.throughput", 16)));
        int backlog = 1_000_000;
        AtomicInteger handled = new AtomicInteger();
        Behavior<Integer> busy = (ctx, n) -> {
            long spin = System.nanoTime() + 1_000;
            while (System.nanoTime() < spin) {
                Thread.onSpinWait();
            }
            handled.incrementAndGet();
            return Behavior.same();
        };
        ActorRef<Integer> first = system.spawn(busy, "first");
        ActorRef<Integer> second = system.spawn(busy, "second");
        for (int i = 0; i < backlog; i++) {
            first.tell(i);
            second.tell(i);
        }
        CountDownLatch served = new CountDownLatch(1);
        AtomicInteger handledWhenServed = new AtomicInteger();
        ActorRef<String> third = system.spawn((ctx, msg) -> {
            handledWhenServed.set(handled.get());
            served.countDown();
            return Behavior.same();
        }, "third");
        third.tell("me too");
        assertThat(served.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(handledWhenServed.get()).isLessThan(backlog / 2);
    }

    record Numbered(int sender, int seq) {
    }

    @Test
    void shouldHandleOneMessageAtATimeInPerSenderOrderWithRandomLoad() throws Exception {
        long seed = Long.getLong("spindle.seed", System.nanoTime());
        System.out.println("ExecutionGuaranteesTest: seed " + seed + " (replay with -Dspindle.seed=" + seed + ")");
        Random random = new Random(seed);
        for (int scenario = 0; scenario < 6; scenario++) {
            int throughput = 1 + random.nextInt(100);
            MailboxSpec mailbox = switch (random.nextInt(3)) {
                case 0 -> MailboxSpec.unbounded();
                case 1 -> MailboxSpec.ring(1 << 18);
                default -> MailboxSpec.bounded(1 << 18, OverflowPolicy.FAIL);
            };
            system.close();
            system = ActorSystem.create("exec", ActorSystemConfig.defaults().withThroughput(throughput).withMailbox(mailbox));
            runOrderingScenario(random, "seed " + seed + " scenario " + scenario + " throughput " + throughput + " " + mailbox);
        }
    }

    private void runOrderingScenario(Random random, String label) throws Exception {
        int threadSenders = 1 + random.nextInt(3);
        int actorSenders = 1 + random.nextInt(4);
        // At most 7 x 25,000 = 175,000 messages: every mailbox below holds them all (2^18).
        int perSender = 5_000 + random.nextInt(20_000);
        int senders = threadSenders + actorSenders;
        int total = senders * perSender;
        int[] next = new int[senders];
        // Plain fields, touched only by the actor: if two handlings overlapped or did not see each
        // other's writes, these would go wrong.
        int[] handled = {0};
        AtomicInteger inside = new AtomicInteger();
        List<String> errors = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        int yieldEvery = 1 + random.nextInt(50);
        ActorRef<Numbered> receiver = system.spawn((ctx, msg) -> {
            if (inside.incrementAndGet() != 1) {
                errors.add("two handlings at once");
            }
            if (next[msg.sender()] != msg.seq()) {
                errors.add("sender " + msg.sender() + ": expected " + next[msg.sender()] + ", got " + msg.seq());
            }
            next[msg.sender()] = msg.seq() + 1;
            if (++handled[0] % yieldEvery == 0) {
                Thread.yield();
            }
            inside.decrementAndGet();
            if (handled[0] == total) {
                done.countDown();
            }
            return Behavior.same();
        }, "receiver");
        for (int s = 0; s < actorSenders; s++) {
            int sender = threadSenders + s;
            int batch = 1 + random.nextInt(200);
            ActorRef<Integer> actor = system.spawn((ctx, from) -> {
                int end = Math.min(perSender, from + batch);
                for (int i = from; i < end; i++) {
                    receiver.tell(new Numbered(sender, i));
                }
                if (end < perSender) {
                    ctx.self().tell(end);
                }
                return Behavior.same();
            }, "sender-" + sender);
            actor.tell(0);
        }
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < threadSenders; s++) {
            int sender = s;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perSender; i++) {
                    receiver.tell(new Numbered(sender, i));
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).as(label + ": all delivered").isTrue();
        assertThat(errors).as(label).isEmpty();
        assertThat(system.deadLetters().count()).as(label + ": nothing dropped").isZero();
    }
}
