package dev.spindle.actors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ActorSystemTest {

    private final ActorSystem system = ActorSystem.create("test");

    @AfterEach
    void close() {
        system.close();
    }

    sealed interface Counter {
        record Add(int n) implements Counter {
        }

        record Get(ActorRef<Integer> replyTo) implements Counter {
        }

        record Fail(String why) implements Counter {
        }

        record Stop() implements Counter {
        }
    }

    static Behavior<Counter> counter(int total) {
        return (ctx, msg) -> switch (msg) {
            case Counter.Add(int n) -> counter(total + n);
            case Counter.Get(ActorRef<Integer> replyTo) -> {
                replyTo.tell(total);
                yield Behavior.same();
            }
            case Counter.Fail(String why) -> throw new IllegalStateException(why);
            case Counter.Stop() -> Behavior.stopped();
        };
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldHandleMessagesAndChangeBehavior() {
        ActorRef<Counter> counter = system.spawn(counter(0), "counter");
        counter.tell(new Counter.Add(2));
        counter.tell(new Counter.Add(3));
        assertThat(await(counter.<Integer>ask(Counter.Get::new, Duration.ofSeconds(10)))).isEqualTo(5);
    }

    @Test
    void shouldFailAnAskThatGetsNoReplyWithinItsTimeout() {
        ActorRef<Counter> silent = system.spawn(Behavior.ignore(), "silent");
        CompletableFuture<Integer> reply = silent.<Integer>ask(Counter.Get::new, Duration.ofMillis(50))
                .toCompletableFuture();
        assertThatThrownBy(() -> reply.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(AskTimeoutException.class);
    }

    @Test
    void shouldRunSetupAtSpawnWithoutAMessage() {
        CountDownLatch started = new CountDownLatch(1);
        system.spawn(Behavior.<Counter>setup(ctx -> {
            started.countDown();
            return counter(0);
        }), "eager");
        Eventually.until(() -> started.getCount() == 0);
    }

    @Test
    void shouldRejectNullMessagesAndDuplicateNames() {
        ActorRef<Counter> counter = system.spawn(counter(0), "dup");
        assertThatThrownBy(() -> counter.tell(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> system.spawn(counter(0), "dup"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dup");
        assertThatThrownBy(() -> system.spawn(counter(0), "a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> system.spawn(counter(0), "$x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCountMessagesToAStoppedActorAsDeadLetters() {
        Probe<ActorRef<?>> terminated = new Probe<>(system, "terminated");
        ActorRef<Counter> counter = system.spawn(counter(0), "stopping");
        system.spawn(Behavior.<String>setup(ctx -> {
            ctx.watch(counter);
            return Behavior.<String>ignore().onSignal((c, signal) -> {
                if (signal instanceof Signal.Terminated(ActorRef<?> ref, Throwable failure)) {
                    terminated.ref.tell(ref);
                }
                return Behavior.same();
            });
        }), "watcher");
        counter.tell(new Counter.Stop());
        assertThat(terminated.expectMessage()).isEqualTo(counter);
        long before = system.deadLetters().count(DeadLetter.Reason.STOPPED);
        counter.tell(new Counter.Add(1));
        assertThat(system.deadLetters().count(DeadLetter.Reason.STOPPED)).isEqualTo(before + 1);
    }

    @Test
    void shouldSendDeadLettersToSubscribers() {
        Probe<DeadLetter> letters = new Probe<>(system, "letters");
        system.deadLetters().subscribe(letters.ref);
        ActorRef<Counter> counter = system.spawn(counter(0), "gone");
        counter.tell(new Counter.Stop());
        Eventually.until(() -> {
            counter.tell(new Counter.Add(7));
            return system.deadLetters().count(DeadLetter.Reason.STOPPED) > 0;
        });
        DeadLetter letter = letters.expectMessage();
        assertThat(letter.recipient()).isEqualTo(counter);
        assertThat(letter.message()).isEqualTo(new Counter.Add(7));
    }

    @Test
    void shouldDeliverTerminatedExactlyOncePerWatcherEvenWhenWatchingADeadActor() {
        Probe<String> events = new Probe<>(system, "events");
        ActorRef<Counter> target = system.spawn(counter(0), "target");
        target.tell(new Counter.Stop());
        Eventually.until(() -> {
            target.tell(new Counter.Add(0));
            return system.deadLetters().count() > 0;
        });
        system.spawn(Behavior.<String>setup(ctx -> {
            ctx.watch(target);
            ctx.watch(target);
            return Behavior.<String>ignore().onSignal((c, signal) -> {
                events.ref.tell(signal.getClass().getSimpleName());
                return Behavior.same();
            });
        }), "late-watcher");
        events.expectMessage("Terminated");
        events.expectNoMessage(Duration.ofMillis(200));
    }

    @Test
    void shouldStopChildrenBeforeTheirParentOnClose() throws Exception {
        List<String> stopped = new CopyOnWriteArrayList<>();
        Behavior<String> leaf = Behavior.<String>ignore().onSignal((ctx, signal) -> {
            if (signal instanceof Signal.PostStop) {
                stopped.add(ctx.self().path().toString());
            }
            return Behavior.same();
        });
        CountDownLatch spawned = new CountDownLatch(1);
        system.spawn(Behavior.<String>setup(ctx -> {
            ActorRef<String> child = ctx.spawn(Behavior.<String>setup(c -> {
                c.spawn(leaf, "grandchild");
                return leaf;
            }), "child");
            spawned.countDown();
            return leaf;
        }), "parent");
        assertThat(spawned.await(10, TimeUnit.SECONDS)).isTrue();
        system.close();
        assertThat(system.whenTerminated().toCompletableFuture().isDone()).isTrue();
        assertThat(stopped).containsExactly("/user/parent/child/grandchild", "/user/parent/child", "/user/parent");
    }

    @Test
    void shouldRestartAFailingChildAndKeepItsSiblingsRunning() {
        Probe<Integer> replies = new Probe<>(system, "replies");
        ActorRef<Counter> supervised = system.spawn(
                Behavior.supervise(counter(0), SupervisorStrategy.restart()), "supervised");
        ActorRef<Counter> sibling = system.spawn(counter(100), "sibling");
        supervised.tell(new Counter.Add(5));
        supervised.tell(new Counter.Fail("boom"));
        supervised.tell(new Counter.Add(1));
        supervised.tell(new Counter.Get(replies.ref));
        sibling.tell(new Counter.Get(replies.ref));
        List<Integer> got = List.of(replies.expectMessage(), replies.expectMessage());
        // Fresh state after the restart: 1, not 6. The sibling never noticed.
        assertThat(got).containsExactlyInAnyOrder(1, 100);
    }

    @Test
    void shouldResumeWithTheStateItHad() {
        Probe<Integer> replies = new Probe<>(system, "replies");
        ActorRef<Counter> resumed = system.spawn(
                Behavior.supervise(counter(0), SupervisorStrategy.resume()), "resumed");
        resumed.tell(new Counter.Add(5));
        resumed.tell(new Counter.Fail("boom"));
        resumed.tell(new Counter.Get(replies.ref));
        replies.expectMessage(5);
    }

    @Test
    void shouldStopAFailingActorWithoutSupervisionAndTellItsWatchers() {
        Probe<String> failures = new Probe<>(system, "failures");
        ActorRef<Counter> fragile = system.spawn(counter(0), "fragile");
        system.spawn(Behavior.<String>setup(ctx -> {
            ctx.watch(fragile);
            return Behavior.<String>ignore().onSignal((c, signal) -> {
                if (signal instanceof Signal.Terminated(ActorRef<?> ref, Throwable failure)) {
                    failures.ref.tell(failure == null ? "none" : failure.getMessage());
                }
                return Behavior.same();
            });
        }), "watcher");
        fragile.tell(new Counter.Fail("broken"));
        failures.expectMessage("broken");
    }

    @Test
    void shouldRestartWithBackoffAndStopAfterTheLimit() {
        Probe<String> events = new Probe<>(system, "events");
        AtomicInteger starts = new AtomicInteger();
        ActorRef<Counter> flaky = system.spawn(Behavior.supervise(Behavior.<Counter>setup(ctx -> {
            starts.incrementAndGet();
            return counter(0);
        }), SupervisorStrategy.restart()
                .withBackoff(Duration.ofMillis(1), Duration.ofMillis(4), 0.2)
                .withLimit(2, Duration.ofMinutes(1))), "flaky");
        system.spawn(Behavior.<String>setup(ctx -> {
            ctx.watch(flaky);
            return Behavior.<String>ignore().onSignal((c, signal) -> {
                events.ref.tell(signal.getClass().getSimpleName());
                return Behavior.same();
            });
        }), "watcher");
        for (int i = 0; i < 3; i++) {
            flaky.tell(new Counter.Fail("again " + i));
        }
        events.expectMessage("Terminated");
        // Started once, restarted twice, then the third failure went over the limit.
        assertThat(starts.get()).isEqualTo(3);
    }

    @Test
    void shouldEscalateAChildsFailureToItsParent() {
        Probe<String> events = new Probe<>(system, "events");
        ActorRef<String> parent = system.spawn(Behavior.<String>setup(ctx -> {
            ActorRef<Counter> child = ctx.spawn(
                    Behavior.supervise(counter(0), SupervisorStrategy.escalate()), "child");
            child.tell(new Counter.Fail("deep"));
            return Behavior.<String>ignore();
        }), "parent");
        system.spawn(Behavior.<String>setup(ctx -> {
            ctx.watch(parent);
            return Behavior.<String>ignore().onSignal((c, signal) -> {
                if (signal instanceof Signal.Terminated(ActorRef<?> ref, Throwable failure)) {
                    events.ref.tell(failure.getClass().getSimpleName() + ": " + failure.getCause().getMessage());
                }
                return Behavior.same();
            });
        }), "watcher");
        events.expectMessage("ActorFailedException: deep");
    }

    @Test
    void shouldDeliverTimersAsMessagesAndStopThemWhenCancelled() {
        Probe<String> ticks = new Probe<>(system, "ticks");
        system.spawn(Behavior.<String>setup(ctx -> {
            ctx.setTimeout(Duration.ofMillis(5), "timeout");
            Cancellable interval = ctx.setInterval(Duration.ofMillis(5), "tick");
            AtomicInteger count = new AtomicInteger();
            return (c, msg) -> {
                ticks.ref.tell(msg);
                if (msg.equals("tick") && count.incrementAndGet() == 3) {
                    interval.cancel();
                }
                return Behavior.same();
            };
        }), "timers");
        List<String> got = List.of(ticks.expectMessage(), ticks.expectMessage(), ticks.expectMessage(),
                ticks.expectMessage());
        assertThat(got).containsExactlyInAnyOrder("timeout", "tick", "tick", "tick");
        ticks.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void shouldStashUntilReady() {
        Probe<String> out = new Probe<>(system, "out");
        ActorRef<String> gate = system.spawn(Behavior.<String>setup(ctx -> new Behavior<>() {
            @Override
            public Behavior<String> receive(ActorContext<String> c, String msg) {
                if (!msg.equals("open")) {
                    c.stash();
                    return Behavior.same();
                }
                c.unstashAll();
                return (c2, m) -> {
                    out.ref.tell(m);
                    return Behavior.same();
                };
            }
        }), "gate");
        gate.tell("a");
        gate.tell("b");
        gate.tell("open");
        gate.tell("c");
        out.expectMessage("a");
        out.expectMessage("b");
        out.expectMessage("c");
    }

    @Test
    void shouldReportPerActorStats() {
        ActorRef<Counter> counter = system.spawn(counter(0), "counted");
        for (int i = 0; i < 5; i++) {
            counter.tell(new Counter.Add(1));
        }
        assertThat(await(counter.<Integer>ask(Counter.Get::new, Duration.ofSeconds(10)))).isEqualTo(5);
        // A snapshot: the drain that handled Get may not have recorded its progress yet.
        Eventually.until(() -> system.stats(counter).mailboxDepth() == 0);
        ActorStats stats = system.stats(counter);
        assertThat(stats.processed()).isEqualTo(6);
        assertThat(stats.stopped()).isFalse();
        assertThat(stats.path().toString()).isEqualTo("/user/counted");
        assertThatThrownBy(() -> system.stats(new dev.spindle.actors.testkit.TestInbox<String>("x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRestartAChildThatThrowsOnEveryNthMessageWithBackoffWhileItsSiblingNeverNotices() throws Exception {
        int messages = 2_000;
        int every = 7;
        java.util.concurrent.atomic.AtomicInteger flakyHandled = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger steadyHandled = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger steadyOutOfOrder = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger steadyStarts = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch ready = new CountDownLatch(1);
        List<ActorRef<Integer>> children = new CopyOnWriteArrayList<>();
        system.spawn(Behavior.<String>setup(ctx -> {
            children.add(ctx.spawn(Behavior.supervise((c, n) -> {
                if (n % every == every - 1) {
                    throw new IllegalStateException("every " + every + "th: " + n);
                }
                flakyHandled.incrementAndGet();
                return Behavior.same();
            }, SupervisorStrategy.restart().withBackoff(Duration.ofMillis(1), Duration.ofMillis(5), 0.5)
                    .withLimit(Integer.MAX_VALUE, Duration.ofMinutes(1))), "flaky"));
            int[] last = {-1};
            children.add(ctx.spawn(Behavior.<Integer>setup(c -> {
                steadyStarts.incrementAndGet();
                return (c2, n) -> {
                    if (n != last[0] + 1) {
                        steadyOutOfOrder.incrementAndGet();
                    }
                    last[0] = n;
                    steadyHandled.incrementAndGet();
                    return Behavior.same();
                };
            }), "steady"));
            ready.countDown();
            return Behavior.ignore();
        }), "parent");
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        for (int n = 0; n < messages; n++) {
            children.get(0).tell(n);
            children.get(1).tell(n);
        }
        int failures = messages / every;
        Eventually.until(() -> steadyHandled.get() == messages && flakyHandled.get() == messages - failures);
        assertThat(steadyOutOfOrder.get()).isZero();
        assertThat(steadyStarts.get()).isEqualTo(1);
        assertThat(system.deadLetters().count()).isZero();
    }
}
