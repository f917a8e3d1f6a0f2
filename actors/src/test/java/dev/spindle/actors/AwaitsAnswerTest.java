package dev.spindle.actors;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** A message that awaits an answer hears when none will come: dead letters and failed handlers. */
class AwaitsAnswerTest {

    /** Records what became of it. */
    record Job(int id, Queue<String> fates) implements AwaitsAnswer {
        @Override
        public void deadLettered(DeadLetter.Reason reason) {
            fates.add(id + " dead letter " + reason);
        }

        @Override
        public void handlerFailed(Throwable failure) {
            fates.add(id + " failed " + failure.getMessage());
        }
    }

    @Test
    void shouldTellTheMessageWhenItIsUnhandledFailsOrFindsTheActorStopped() {
        Queue<String> fates = new ConcurrentLinkedQueue<>();
        try (ActorSystem system = ActorSystem.create("awaits")) {
            ActorRef<Job> worker = system.spawn((ctx, job) -> switch (job.id()) {
                case 1 -> {
                    fates.add("1 handled");
                    yield Behavior.same();
                }
                case 2 -> Behavior.unhandled();
                default -> throw new IllegalStateException("planned failure " + job.id());
            }, "worker");
            worker.tell(new Job(1, fates));
            worker.tell(new Job(2, fates));
            worker.tell(new Job(3, fates)); // no supervision: the worker stops
            Eventually.until(() -> system.stats(worker).stopped());
            worker.tell(new Job(4, fates));
            Eventually.until(() -> fates.size() == 4);
            assertThat(List.copyOf(fates)).containsExactly("1 handled", "2 dead letter UNHANDLED",
                    "3 failed planned failure 3", "4 dead letter STOPPED");
            // A failure is reported through supervision, not counted as a dead letter.
            assertThat(system.deadLetters().count()).isEqualTo(2);
        }
    }

    @Test
    void shouldLogAndIgnoreAnAnswerThatThrows() {
        try (ActorSystem system = ActorSystem.create("awaits-throws")) {
            ActorRef<AwaitsAnswer> stopped = system.spawn((ctx, message) -> Behavior.stopped(), "stopped");
            stopped.tell(new Job(0, new ConcurrentLinkedQueue<>()));
            Eventually.until(() -> system.stats(stopped).stopped());
            AwaitsAnswer throwing = new AwaitsAnswer() {
                @Override
                public void deadLettered(DeadLetter.Reason reason) {
                    throw new IllegalStateException("planned");
                }

                @Override
                public void handlerFailed(Throwable failure) {
                    throw new IllegalStateException("planned");
                }
            };
            stopped.tell(throwing);
            Eventually.until(() -> system.deadLetters().count(DeadLetter.Reason.STOPPED) == 1);
            // The system goes on: another dead letter is counted after it.
            stopped.tell(throwing);
            Eventually.until(() -> system.deadLetters().count(DeadLetter.Reason.STOPPED) == 2);
        }
    }
}
