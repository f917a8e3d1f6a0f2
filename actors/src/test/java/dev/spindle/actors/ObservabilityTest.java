package dev.spindle.actors;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** JFR events for failures and restarts, recorded while a recording runs. */
class ObservabilityTest {

    @Test
    void shouldRecordFailureAndRestartEventsInJfr() throws Exception {
        Path file = Files.createTempFile("spindle", ".jfr");
        try (ActorSystem system = ActorSystem.create("jfr"); Recording recording = new Recording()) {
            recording.enable("dev.spindle.ActorFailed");
            recording.enable("dev.spindle.ActorRestarted");
            recording.start();
            Probe<String> out = new Probe<>(system, "out");
            ActorRef<String> flaky = system.spawn(Behavior.supervise((ctx, msg) -> {
                if (msg.equals("fail")) {
                    throw new IllegalStateException("on purpose");
                }
                out.ref.tell(msg);
                return Behavior.same();
            }, SupervisorStrategy.restart()), "flaky");
            flaky.tell("fail");
            flaky.tell("after");
            out.expectMessage("after");
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Files.deleteIfExists(file);
        assertThat(events).anySatisfy(event -> {
            assertThat(event.getEventType().getName()).isEqualTo("dev.spindle.ActorFailed");
            assertThat(event.getString("actor")).isEqualTo("/user/flaky");
            assertThat(event.getString("failure")).isEqualTo(IllegalStateException.class.getName());
            assertThat(event.getString("decision")).isEqualTo("RESTART");
        });
        assertThat(events).anySatisfy(event ->
                assertThat(event.getEventType().getName()).isEqualTo("dev.spindle.ActorRestarted"));
    }
}
