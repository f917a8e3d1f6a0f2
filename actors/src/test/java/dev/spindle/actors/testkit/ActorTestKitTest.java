package dev.spindle.actors.testkit;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.Signal;
import dev.spindle.actors.SupervisorStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ActorTestKitTest {

    private final ActorTestKit kit = ActorTestKit.createWithManualTime();

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void shouldFireTimersOnlyWhenManualTimeAdvances() {
        TestProbe<String> probe = kit.createProbe();
        kit.spawn(Behavior.<String>setup(ctx -> {
            ctx.setTimeout(Duration.ofSeconds(30), "timeout");
            ctx.setInterval(Duration.ofSeconds(10), "tick");
            return (c, msg) -> {
                probe.ref().tell(msg);
                return Behavior.same();
            };
        }));
        kit.manualTime().awaitScheduled(2, Duration.ofSeconds(10));
        probe.expectNoMessage(Duration.ofMillis(50));
        kit.manualTime().advance(Duration.ofSeconds(10));
        probe.expectMessage("tick");
        kit.manualTime().advance(Duration.ofSeconds(20));
        // At 20 s a tick, at 30 s a tick and the timeout (the timeout was scheduled first).
        assertThat(java.util.List.of(probe.receiveMessage(), probe.receiveMessage(), probe.receiveMessage()))
                .containsExactly("tick", "timeout", "tick");
        probe.expectNoMessage(Duration.ofMillis(50));
    }

    @Test
    void shouldRestartAfterTheBackoffOnlyWhenTimeAdvances() {
        TestProbe<String> probe = kit.createProbe();
        AtomicInteger starts = new AtomicInteger();
        ActorRef<String> flaky = kit.spawn(Behavior.supervise(Behavior.<String>setup(ctx -> {
            probe.ref().tell("started " + starts.incrementAndGet());
            return (c, msg) -> {
                if (msg.equals("fail")) {
                    throw new IllegalStateException("asked to");
                }
                probe.ref().tell("handled " + msg);
                return Behavior.same();
            };
        }), SupervisorStrategy.restart().withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(8), 0.0)));
        probe.expectMessage("started 1");
        flaky.tell("fail");
        flaky.tell("kept");
        kit.manualTime().awaitScheduled(1, Duration.ofSeconds(10));
        probe.expectNoMessage(Duration.ofMillis(100));
        kit.manualTime().advance(Duration.ofMillis(999));
        probe.expectNoMessage(Duration.ofMillis(100));
        kit.manualTime().advance(Duration.ofMillis(1));
        probe.expectMessage("started 2");
        probe.expectMessage("handled kept");
    }

    @Test
    void shouldExpectTerminationsWithTheirFailure() {
        TestProbe<String> probe = kit.createProbe();
        ActorRef<String> doomed = kit.spawn((ctx, msg) -> {
            throw new IllegalStateException("doomed: " + msg);
        });
        doomed.tell("now");
        Signal.Terminated terminated = probe.expectTerminated(doomed, Duration.ofSeconds(10));
        assertThat(terminated.failure()).hasMessage("doomed: now");
    }

    @Test
    void shouldFailAnExpectationThatIsNotMet() {
        TestProbe<String> probe = kit.createProbe();
        assertThatThrownBy(() -> probe.receiveMessage(Duration.ofMillis(20))).isInstanceOf(AssertionError.class);
        probe.ref().tell("surprise");
        assertThatThrownBy(() -> probe.expectNoMessage(Duration.ofSeconds(5))).isInstanceOf(AssertionError.class);
    }

    @Test
    void shouldTimeOutAnAskOnManualTime() {
        ActorRef<ActorRef<String>> silent = kit.spawn(Behavior.ignore());
        var reply = silent.<String>ask(replyTo -> replyTo, Duration.ofSeconds(3)).toCompletableFuture();
        kit.manualTime().advance(Duration.ofSeconds(2));
        assertThat(reply).isNotDone();
        kit.manualTime().advance(Duration.ofSeconds(1));
        assertThat(reply).isCompletedExceptionally();
    }
}
