package dev.spindle.actors;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Thread-safe. An actor that records what it receives, for tests to wait on with deadlines. */
final class Probe<T> {

    static final Duration WAIT = Duration.ofSeconds(10);

    private final LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
    final ActorRef<T> ref;

    Probe(ActorSystem system, String name) {
        Behavior<T> record = (ctx, message) -> {
            received.add(message);
            return Behavior.same();
        };
        ref = system.spawn(record, name);
    }

    /** {@return the next message, waiting up to {@link #WAIT}} */
    @SuppressWarnings("unchecked")
    T expectMessage() {
        try {
            Object message = received.poll(WAIT.toNanos(), TimeUnit.NANOSECONDS);
            if (message == null) {
                fail("no message within " + WAIT);
            }
            return (T) message;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    void expectMessage(T expected) {
        assertThat(expectMessage()).isEqualTo(expected);
    }

    void expectNoMessage(Duration within) {
        try {
            assertThat(received.poll(within.toNanos(), TimeUnit.NANOSECONDS)).isNull();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
