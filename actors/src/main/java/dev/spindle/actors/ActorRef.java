package dev.spindle.actors;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Thread-safe. The address of an actor: the only way to reach it. Refs are cheap, immutable to
 * their users, comparable with {@code equals}, and stay valid after the actor stops (messages to a
 * stopped actor go to the dead letters of its system). Implemented by Spindle only.
 *
 * @param <M> the type of messages the actor accepts
 */
public interface ActorRef<M> {

    /**
     * Thread-safe, never blocks. Sends a message; from one sender, messages arrive in the order sent.
     * If the actor has stopped, or its bounded mailbox refuses the message, the message becomes a
     * dead letter (see {@link ActorSystem#deadLetters()}): it is counted, never silently lost.
     *
     * @param message the message, not {@code null}
     * @throws NullPointerException if {@code message} is null
     */
    void tell(M message);

    /**
     * Thread-safe, never blocks. Sends a request that carries a reply-to ref and returns the reply.
     *
     * <pre>{@code
     * CompletionStage<Integer> total = counter.ask(Counter.Get::new, Duration.ofSeconds(1));
     * }</pre>
     *
     * @param request builds the request around a temporary ref that accepts exactly one reply
     * @param timeout how long to wait for the reply
     * @return completes with the reply, or exceptionally with {@link AskTimeoutException} after
     *     {@code timeout}; replies after that go to the dead letters
     */
    <R> CompletionStage<R> ask(Function<ActorRef<R>, ? extends M> request, Duration timeout);

    /** {@return where the actor lives: its system, its parents' names and its own, e.g. {@code /user/orders/o-17}} */
    ActorPath path();
}
