package dev.spindle.actors.testkit;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.Signal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Thread-safe. A real actor that keeps what it receives for the test to wait on, each wait with a
 * deadline: pass {@link #ref()} where replies should go, then {@code expect...}.
 *
 * @param <M> the type of messages it accepts
 */
public final class TestProbe<M> {

    /** The default wait of every {@code expect}. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

    private final LinkedBlockingQueue<M> messages = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Signal.Terminated> terminations = new LinkedBlockingQueue<>();
    private final ActorRef<Object> ref;

    TestProbe(ActorSystem system, String name) {
        Behavior<Object> record = (ctx, message) -> {
            if (message instanceof Watch(ActorRef<?> target)) {
                ctx.watch(target);
            } else {
                @SuppressWarnings("unchecked")
                M typed = (M) message;
                messages.add(typed);
            }
            return Behavior.same();
        };
        ref = system.spawn(record.onSignal((ctx, signal) -> {
            if (signal instanceof Signal.Terminated terminated) {
                terminations.add(terminated);
            }
            return Behavior.same();
        }), name);
    }

    /** Tells the probe's actor to watch a target (a message of the probe's own). */
    private record Watch(ActorRef<?> target) {
    }

    /** {@return the probe's ref} */
    @SuppressWarnings("unchecked")
    public ActorRef<M> ref() {
        return (ActorRef<M>) (ActorRef<?>) ref;
    }

    /** {@return the next message, waiting up to {@link #DEFAULT_WAIT}} */
    public M receiveMessage() {
        return receiveMessage(DEFAULT_WAIT);
    }

    /** {@return the next message, waiting up to {@code max}} @throws AssertionError if none comes */
    public M receiveMessage(Duration max) {
        M message = poll(messages, max);
        if (message == null) {
            throw new AssertionError("no message within " + max + " at " + ref.path());
        }
        return message;
    }

    /** Waits for the next message and checks it. */
    public M expectMessage(M expected) {
        return expectMessage(DEFAULT_WAIT, expected);
    }

    /** Waits up to {@code max} for the next message and checks it. */
    public M expectMessage(Duration max, M expected) {
        M actual = receiveMessage(max);
        if (!Objects.equals(actual, expected)) {
            throw new AssertionError("expected " + expected + " at " + ref.path() + ", got " + actual);
        }
        return actual;
    }

    /** Waits for the next message and checks its class. */
    public <T extends M> T expectMessageClass(Class<T> type) {
        M actual = receiveMessage();
        if (!type.isInstance(actual)) {
            throw new AssertionError("expected a " + type.getName() + " at " + ref.path() + ", got " + actual);
        }
        return type.cast(actual);
    }

    /** Checks that no message arrives for {@code within}. */
    public void expectNoMessage(Duration within) {
        M message = poll(messages, within);
        if (message != null) {
            throw new AssertionError("expected no message at " + ref.path() + " for " + within + ", got " + message);
        }
    }

    /**
     * Waits for {@code target} to stop (watching it from the probe's actor).
     *
     * @return the termination, with the failure if it failed
     */
    public Signal.Terminated expectTerminated(ActorRef<?> target, Duration max) {
        ref.tell(new Watch(target));
        long deadline = System.nanoTime() + max.toNanos();
        for (;;) {
            Signal.Terminated terminated = poll(terminations, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (terminated == null) {
                throw new AssertionError(target.path() + " did not stop within " + max);
            }
            if (terminated.ref().equals(target)) {
                return terminated;
            }
        }
    }

    private static <T> T poll(LinkedBlockingQueue<T> queue, Duration max) {
        try {
            return queue.poll(max.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
