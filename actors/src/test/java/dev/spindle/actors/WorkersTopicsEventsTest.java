package dev.spindle.actors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Offloaded work, pub-sub topics and emitters across actors, over real threads. */
class WorkersTopicsEventsTest {

    private final ActorSystem system = ActorSystem.create("more");

    @AfterEach
    void close() {
        system.close();
    }

    @Test
    void shouldDeliverAnOffloadedResultOrFailureAsAMessage() {
        Probe<String> out = new Probe<>(system, "out");
        system.spawn(Behavior.<String>setup(ctx -> {
            ctx.offload(() -> 6 * 7, n -> "result " + n, e -> "failed " + e.getMessage());
            ctx.offload(() -> {
                throw new IllegalStateException("no");
            }, n -> "result " + n, e -> "failed " + e.getMessage());
            return (c, msg) -> {
                out.ref.tell(msg);
                return Behavior.same();
            };
        }), "offloader");
        String first = out.expectMessage();
        String second = out.expectMessage();
        assertThat(java.util.List.of(first, second)).containsExactlyInAnyOrder("result 42", "failed no");
    }

    @Test
    void shouldBoundOffloadConcurrencyPerActor() throws Exception {
        ActorSystem bounded = ActorSystem.create("bounded", ActorSystemConfig.defaults().withMaxOffloadsPerActor(2));
        try {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger peak = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(10);
            CountDownLatch gate = new CountDownLatch(1);
            bounded.spawn(Behavior.<Integer>setup(ctx -> {
                for (int i = 0; i < 10; i++) {
                    ctx.offload(() -> {
                        peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                        gate.await(10, TimeUnit.SECONDS);
                        running.decrementAndGet();
                        return 1;
                    }, n -> n, e -> -1);
                }
                return (c, n) -> {
                    done.countDown();
                    return Behavior.same();
                };
            }), "bounded");
            Eventually.until(() -> running.get() == 2);
            gate.countDown();
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(peak.get()).isEqualTo(2);
        } finally {
            bounded.close();
        }
    }

    @Test
    void shouldInterruptOffloadedWorkWhenTheActorStops() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        long before = system.deadLetters().count();
        ActorRef<String> worker = system.spawn(Behavior.<String>setup(ctx -> {
            ctx.offload(() -> {
                started.countDown();
                try {
                    // Work that would never end by itself: only the interrupt stops it.
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
                return "late";
            }, s -> s, e -> "failed");
            return (c, msg) -> msg.equals("stop") ? Behavior.stopped() : Behavior.same();
        }), "worker");
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        worker.tell("stop");
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        // The cancelled result is dropped quietly: not a dead letter.
        assertThat(system.deadLetters().count()).isEqualTo(before);
    }

    record Order(String customer, int amount) {
    }

    @Test
    void shouldFanOutTopicMessagesThroughFiltersAndDropStoppedSubscribers() {
        Topic<Order> orders = system.topic("orders", Order.class);
        Probe<Order> all = new Probe<>(system, "all");
        Probe<String> big = new Probe<>(system, "big");
        orders.subscribe(all.ref);
        orders.subscribe(big.ref, order -> order.amount() >= 100, order -> order.customer());
        orders.publish(new Order("ann", 5));
        orders.publish(new Order("bob", 500));
        all.expectMessage(new Order("ann", 5));
        all.expectMessage(new Order("bob", 500));
        big.expectMessage("bob");
        big.expectNoMessage(Duration.ofMillis(100));
        assertThat(system.topic("orders", Order.class)).isSameAs(orders);
    }

    @Test
    void shouldUnsubscribeATerminatedSubscriberAutomatically() {
        Topic<String> news = system.topic("news", String.class);
        Probe<String> alive = new Probe<>(system, "alive");
        ActorRef<String> doomed = system.spawn((ctx, msg) -> Behavior.stopped(), "doomed");
        news.subscribe(doomed);
        news.subscribe(alive.ref);
        news.publish("first");
        alive.expectMessage("first");
        // 'doomed' stopped on "first". The router tells it before 'alive' (subscription order), so
        // once 'alive' has a message, a dead letter for 'doomed' would already be counted. Once the
        // router has seen doomed's Terminated, publishing makes no more dead letters.
        Eventually.until(() -> {
            long before = system.deadLetters().count();
            news.publish("probe");
            alive.expectMessage("probe");
            return system.deadLetters().count() == before;
        });
    }

    static final EventKey<String> READY = EventKey.of("ready", String.class);

    @Test
    void shouldDeliverAnotherActorsEventsAsMessages() {
        Probe<String> out = new Probe<>(system, "out");
        ActorRef<String> emitter = system.spawn((ctx, msg) -> {
            ctx.events().emit(READY, msg);
            return Behavior.same();
        }, "emitter");
        CountDownLatch subscribed = new CountDownLatch(1);
        system.spawn(Behavior.<String>setup(ctx -> {
            ctx.subscribe(emitter, READY, value -> "heard " + value);
            subscribed.countDown();
            return (c, msg) -> {
                out.ref.tell(msg);
                return Behavior.same();
            };
        }), "listener");
        Eventually.until(() -> subscribed.getCount() == 0);
        // The subscription is registered on the emitter's thread before this message is handled:
        // both go through the emitter's mailbox, the subscription first.
        emitter.tell("go");
        out.expectMessage("heard go");
    }

    @Test
    void shouldTurnAnEventsNextValueOrAnErrorIntoAMessageThroughPipeToSelf() {
        Probe<String> out = new Probe<>(system, "out");
        ActorRef<String> waiter = system.spawn(Behavior.<String>setup(ctx -> {
            return (c, msg) -> {
                switch (msg) {
                    case "wait" -> c.pipeToSelf(c.events().once(READY),
                            (value, failure) -> failure == null ? "next: " + value : "failed: " + failure.getMessage());
                    case "fail" -> c.events().emit(EventEmitter.ERROR, new IllegalStateException("boom"));
                    default -> {
                        if (msg.startsWith("emit ")) {
                            c.events().emit(READY, msg.substring("emit ".length()));
                        } else {
                            out.ref.tell(msg);
                        }
                    }
                }
                return Behavior.same();
            };
        }), "waiter");
        waiter.tell("wait");
        waiter.tell("emit a");
        waiter.tell("emit b");
        out.expectMessage("next: a");
        // The error goes to the stage (handled), so the actor lives on to report it.
        waiter.tell("wait");
        waiter.tell("fail");
        out.expectMessage("failed: boom");
        waiter.tell("still alive");
        out.expectMessage("still alive");
    }

    @Test
    void shouldFailTheActorWhenAnErrorEventHasNoListener() {
        Probe<String> failures = new Probe<>(system, "failures");
        ActorRef<String> fragile = system.spawn((ctx, msg) -> {
            ctx.events().emit(EventEmitter.ERROR, new IllegalStateException(msg));
            return Behavior.same();
        }, "fragile");
        system.spawn(Behavior.<String>setup(ctx -> {
            ctx.watch(fragile);
            return Behavior.<String>ignore().onSignal((c, signal) -> {
                if (signal instanceof Signal.Terminated(ActorRef<?> ref, Throwable failure)) {
                    failures.ref.tell(failure.getClass().getSimpleName());
                }
                return Behavior.same();
            });
        }), "watcher");
        fragile.tell("unheard");
        failures.expectMessage("UnhandledErrorEventException");
    }
}
