package dev.spindle.actors;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dispatcher's pool of parked activations: a thread whose actors went idle waits there to run
 * the next actor that needs a thread, instead of a new virtual thread being made; closing the
 * system ends the threads parked there; a thread its handler interrupted is not pooled.
 */
class ActivationPoolTest {

    /** A sender wakes {@code actors} idle actors at once, ten times over; each records its thread. */
    private static Set<Thread> wakeInRounds(ActorSystem system, int actors, int rounds) throws Exception {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        List<ActorRef<CountDownLatch>> idle = new ArrayList<>();
        for (int i = 0; i < actors; i++) {
            idle.add(system.spawnAnonymous((ctx, done) -> {
                threads.add(Thread.currentThread());
                done.countDown();
                return Behavior.same();
            }));
        }
        ActorRef<CountDownLatch> sender = system.spawnAnonymous((ctx, done) -> {
            for (ActorRef<CountDownLatch> actor : idle) {
                actor.tell(done);
            }
            return Behavior.same();
        });
        for (int round = 0; round < rounds; round++) {
            CountDownLatch done = new CountDownLatch(actors);
            sender.tell(done);
            assertThat(done.await(30, TimeUnit.SECONDS)).as("round " + round).isTrue();
        }
        return threads;
    }

    @Test
    void shouldRunWokenActorsOnParkedThreadsRatherThanNewOnes() throws Exception {
        try (ActorSystem system = ActorSystem.create("pool")) {
            int actors = 8;
            int rounds = 50;
            Set<Thread> threads = wakeInRounds(system, actors, rounds);
            // Without the pool each of the 400 wake-ups but the hand-offs is a new thread (~350);
            // with it, a handful of threads take turns.
            assertThat(threads.size()).isLessThan(actors * rounds / 4);
        }
    }

    @Test
    void shouldEndThePooledThreadsWhenTheSystemCloses() throws Exception {
        Set<Thread> threads;
        try (ActorSystem system = ActorSystem.create("pool-close")) {
            threads = wakeInRounds(system, 8, 5);
        }
        Eventually.until(Duration.ofSeconds(10), () -> threads.stream().noneMatch(Thread::isAlive));
    }

    @Test
    void shouldNotPoolAThreadItsHandlerInterrupted() throws Exception {
        try (ActorSystem system = ActorSystem.create("pool-interrupt")) {
            Set<Thread> interrupted = ConcurrentHashMap.newKeySet();
            CountDownLatch handled = new CountDownLatch(1);
            ActorRef<String> rude = system.spawnAnonymous((ctx, msg) -> {
                interrupted.add(Thread.currentThread());
                Thread.currentThread().interrupt();
                handled.countDown();
                return Behavior.same();
            });
            // Told from an actor, so that the interrupted thread is a candidate for the pool.
            system.spawnAnonymous(Behavior.<String>setup(ctx -> {
                rude.tell("interrupt yourself");
                return Behavior.ignore();
            }));
            assertThat(handled.await(10, TimeUnit.SECONDS)).isTrue();
            // Pooled, it would park with its interrupt set: park returns at once, a busy loop.
            Eventually.until(Duration.ofSeconds(10), () -> interrupted.stream().noneMatch(Thread::isAlive));
            // And the system goes on.
            assertThat(wakeInRounds(system, 4, 3)).isNotEmpty();
        }
    }
}
