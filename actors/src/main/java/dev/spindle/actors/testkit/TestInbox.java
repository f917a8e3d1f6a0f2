package dev.spindle.actors.testkit;

import dev.spindle.actors.ActorPath;
import dev.spindle.actors.ActorRef;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Test-thread only. A ref that keeps what is sent to it, for {@link BehaviorTestKit}: the actor's
 * own ref, its children's, or one a test passes in a message to see the replies.
 *
 * @param <T> the type of messages it accepts
 */
public final class TestInbox<T> implements ActorRef<T> {

    private final ActorPath path;
    private final ArrayDeque<T> messages = new ArrayDeque<>();

    public TestInbox(String name) {
        this(ActorPath.root().child("testkit").child(name));
    }

    TestInbox(ActorPath path) {
        this.path = path;
    }

    @Override
    public void tell(T message) {
        messages.addLast(Objects.requireNonNull(message, "message"));
    }

    /** Asking is for real systems: use {@link ActorTestKit}. */
    @Override
    public <R> CompletionStage<R> ask(Function<ActorRef<R>, ? extends T> request, Duration timeout) {
        throw new UnsupportedOperationException("ask needs a running system: use ActorTestKit");
    }

    @Override
    public ActorPath path() {
        return path;
    }

    /** {@return the oldest message, removed} @throws AssertionError if there is none */
    public T receiveMessage() {
        T message = messages.pollFirst();
        if (message == null) {
            throw new AssertionError("no message in " + path);
        }
        return message;
    }

    /** Removes the oldest message and checks it. @throws AssertionError if it differs or there is none */
    public void expectMessage(T expected) {
        T actual = receiveMessage();
        if (!actual.equals(expected)) {
            throw new AssertionError("expected " + expected + " in " + path + ", got " + actual);
        }
    }

    /** {@return every message, oldest first, removed} */
    public List<T> receiveAll() {
        List<T> all = new ArrayList<>(messages);
        messages.clear();
        return all;
    }

    public boolean hasMessages() {
        return !messages.isEmpty();
    }

    @Override
    public String toString() {
        return "TestInbox[" + path + ']';
    }
}
