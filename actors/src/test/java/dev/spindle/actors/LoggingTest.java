package dev.spindle.actors;

import dev.spindle.actors.testkit.RecordingLogs;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The actor's logger: SLF4J, with the path of the actor whose turn runs in the MDC under {@code actor}. */
class LoggingTest {

    private static final Duration DEADLINE = Probe.WAIT;

    @Test
    void aHandlersLogCarriesItsActorsPathAndNothingElseDoes() throws Exception {
        assertThat(RecordingLogs.installed()).as("the pom names RecordingLogs as the SLF4J provider").isTrue();
        try (ActorSystem system = ActorSystem.create("logs")) {
            Probe<String> done = new Probe<>(system, "done");
            ActorRef<String> parent = system.spawn(Behavior.<String>setup(ctx -> {
                ActorRef<String> child = ctx.spawn((c, msg) -> {
                    c.log().info("child got {}", msg);
                    done.ref.tell(msg);
                    return Behavior.same();
                }, "kid");
                return (c, msg) -> {
                    c.log().info("parent got {}", msg);
                    child.tell(msg);
                    return Behavior.same();
                };
            }), "mum");

            // m1: the first turns that ask for the logger; m2: turns of actors that have one.
            for (String m : new String[] {"m1", "m2"}) {
                parent.tell(m);
                done.expectMessage(m);
                LoggerFactory.getLogger(LoggingTest.class).info("outside any actor {}", m);

                assertThat(RecordingLogs.containing("parent got " + m)).singleElement().satisfies(e -> {
                    assertThat(e.actorMdc()).isEqualTo(parent.path().toString());
                    assertThat(e.level()).isEqualTo(Level.INFO);
                });
                assertThat(RecordingLogs.containing("child got " + m)).singleElement()
                        .satisfies(e -> assertThat(e.actorMdc()).isEqualTo(parent.path().child("kid").toString()));
                // The MDC entry is the turn's only: a log on the test's thread has none.
                assertThat(RecordingLogs.containing("outside any actor " + m)).singleElement()
                        .satisfies(e -> assertThat(e.actorMdc()).isNull());
            }
        }
    }

    @Test
    void aFailureIsLoggedWithTheFailingActorsPath() throws Exception {
        try (ActorSystem system = ActorSystem.create("logs-failure")) {
            ActorRef<String> fragile = system.spawn(
                    Behavior.supervise((c, msg) -> {
                        throw new IllegalStateException("boom-" + msg);
                    }, SupervisorStrategy.resume()), "fragile");
            fragile.tell("x1");
            Eventually.until(DEADLINE, () -> !RecordingLogs.containing("boom-x1").isEmpty());
            assertThat(RecordingLogs.containing("boom-x1")).first().satisfies(e -> {
                assertThat(e.level()).isEqualTo(Level.WARN);
                assertThat(e.message()).contains(fragile.path().toString());
            });
        }
    }
}
