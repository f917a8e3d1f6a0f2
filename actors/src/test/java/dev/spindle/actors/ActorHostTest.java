package dev.spindle.actors;

import dev.spindle.actors.spi.ActorHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A platform thread hosting the actors it wakes (what an io loop does): their turns run on it,
 * and a turn that blocks detaches the host without holding anyone else up.
 */
class ActorHostTest {

    private final ActorSystem system = ActorSystem.create("hosting");

    @AfterEach
    void close() {
        system.close();
    }

    /** Records, per message, the thread that handled it. */
    record Seen(String actor, int n, Thread thread) {
    }

    private ActorRef<Integer> recorder(String name, ConcurrentLinkedQueue<Seen> seen) {
        return system.spawn((ctx, n) -> {
            seen.add(new Seen(name, n, Thread.currentThread()));
            return Behavior.same();
        }, name);
    }

    /** Runs {@code body} on a new platform thread as a host; completes with the host thread's result. */
    private static <T> CompletableFuture<T> onHostThread(Consumer<String> onStuck, Function<ActorHost, T> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofPlatform().name("test-host").start(() -> {
            ActorHost host = ActorHost.create(onStuck);
            host.run(() -> {
                try {
                    result.complete(body.apply(host));
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                } finally {
                    host.release();
                }
            });
        });
        return result;
    }

    @Test
    void shouldRunTheActorsItWakesOnItsOwnThreadInOrder() throws Exception {
        ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
        ActorRef<Integer> a = recorder("a", seen);
        ActorRef<Integer> b = recorder("b", seen);
        Thread host = onHostThread(actor -> { }, h -> {
            for (int i = 0; i < 10; i++) {
                a.tell(i);
                b.tell(i);
            }
            assertThat(h.hasHosted()).isTrue();
            assertThat(seen).as("nothing runs before the host lets it").isEmpty();
            assertThat(h.runHosted()).isTrue();
            assertThat(h.hasHosted()).isFalse();
            return Thread.currentThread();
        }).get(10, TimeUnit.SECONDS);

        assertThat(seen).hasSize(20).allSatisfy(s -> assertThat(s.thread()).isSameAs(host));
        assertThat(seen.stream().filter(s -> s.actor().equals("a")).map(Seen::n)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(seen.stream().filter(s -> s.actor().equals("b")).map(Seen::n)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void shouldRunAnActorAHostedTurnWakesOnTheHostToo() throws Exception {
        ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
        ActorRef<Integer> last = recorder("last", seen);
        ActorRef<Integer> first = system.spawn((ctx, n) -> {
            seen.add(new Seen("first", n, Thread.currentThread()));
            last.tell(n * 10);
            return Behavior.same();
        }, "first");
        Thread host = onHostThread(actor -> { }, h -> {
            first.tell(1);
            assertThat(h.runHosted()).isTrue();
            return Thread.currentThread();
        }).get(10, TimeUnit.SECONDS);

        assertThat(seen).extracting(Seen::actor, Seen::n, Seen::thread)
                .containsExactly(tuple("first", 1, host),
                        tuple("last", 10, host));
    }

    @Test
    void shouldDetachWhenAHostedTurnBlocksAndLetTheWaitingActorsRunElsewhere() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger stuck = new AtomicInteger();
        CountDownLatch stuckCalled = new CountDownLatch(1);
        ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
        ActorRef<Integer> blocker = system.spawn((ctx, n) -> {
            seen.add(new Seen("blocker", n, Thread.currentThread()));
            if (n == 0) {
                gate.await(10, TimeUnit.SECONDS);
            }
            return Behavior.same();
        }, "blocker");
        ActorRef<Integer> quick = recorder("quick", seen);

        AtomicReference<String> stuckActor = new AtomicReference<>();
        CompletableFuture<Boolean> detached = onHostThread(actor -> {
            stuckActor.set(actor);
            stuck.incrementAndGet();
            stuckCalled.countDown();
        }, h -> {
            blocker.tell(0);
            quick.tell(1);
            return h.runHosted(); // blocks in the blocker's turn until the gate opens
        });

        // The rescuer detaches the host and gives the quick actor a thread of its own meanwhile.
        assertThat(stuckCalled.await(10, TimeUnit.SECONDS)).as("onStuck called").isTrue();
        Eventually.until(() -> seen.stream().anyMatch(s -> s.actor().equals("quick")));
        Seen quickSeen = seen.stream().filter(s -> s.actor().equals("quick")).findFirst().orElseThrow();
        Seen blockerSeen = seen.stream().filter(s -> s.actor().equals("blocker")).findFirst().orElseThrow();
        assertThat(quickSeen.thread()).isNotSameAs(blockerSeen.thread());
        assertThat(detached).isNotDone();

        gate.countDown();
        assertThat(detached.get(10, TimeUnit.SECONDS)).as("runHosted after detaching").isFalse();
        assertThat(stuck).hasValue(1);
        assertThat(stuckActor.get()).as("onStuck names the stuck actor").contains("blocker");

        // The blocker is not hosted for a while (a second, then longer): a new host's tell gives it a thread of its own.
        Thread secondHost = onHostThread(actor -> { }, h -> {
            blocker.tell(2);
            assertThat(h.hasHosted()).isFalse();
            return Thread.currentThread();
        }).get(10, TimeUnit.SECONDS);
        Eventually.until(() -> seen.stream().anyMatch(s -> s.actor().equals("blocker") && s.n() == 2));
        assertThat(seen.stream().filter(s -> s.n() == 2).findFirst().orElseThrow().thread())
                .isNotSameAs(secondHost).matches(Thread::isVirtual);

        // A second later it may be hosted again (one strike: one second).
        Eventually.until(java.time.Duration.ofSeconds(5), () -> {
            try {
                return onHostThread(actor -> { }, h -> {
                    blocker.tell(3);
                    boolean hosted = h.hasHosted();
                    h.runHosted();
                    return hosted;
                }).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void shouldDetachWhenAHostedTurnComputesForLong() throws Exception {
        CountDownLatch stuckCalled = new CountDownLatch(1);
        ActorRef<Integer> spinner = system.spawn((ctx, n) -> {
            // Compute until the host has been detached (bounded: 10 s).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (stuckCalled.getCount() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            return Behavior.same();
        }, "spinner");
        CompletableFuture<Boolean> detached = onHostThread(actor -> stuckCalled.countDown(), h -> {
            spinner.tell(1);
            return h.runHosted();
        });
        assertThat(stuckCalled.await(10, TimeUnit.SECONDS)).as("onStuck called for a computing turn").isTrue();
        assertThat(detached.get(10, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void shouldGiveTheWaitingActorsThreadsOfTheirOwnOnRelease() throws Exception {
        ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
        List<ActorRef<Integer>> actors = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            actors.add(recorder("r" + i, seen));
        }
        Thread host = onHostThread(actor -> { }, h -> {
            actors.forEach(a -> a.tell(7));
            return Thread.currentThread(); // onHostThread releases without running them
        }).get(10, TimeUnit.SECONDS);

        Eventually.until(() -> seen.size() == 5);
        assertThat(seen).allSatisfy(s -> assertThat(s.thread()).isNotSameAs(host));
    }

    @Test
    void shouldNotHostTellsFromOtherThreads() throws Exception {
        ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
        ActorRef<Integer> a = recorder("a", seen);
        Consumer<Integer> fromElsewhere = a::tell;
        onHostThread(actor -> { }, h -> {
            Thread other = Thread.ofPlatform().start(() -> fromElsewhere.accept(1));
            try {
                other.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return h.hasHosted();
        }).thenAccept(hosted -> assertThat(hosted).isFalse()).get(10, TimeUnit.SECONDS);
        Eventually.until(() -> seen.size() == 1);
        assertThat(seen.peek().thread().isVirtual()).isTrue();
    }
}
