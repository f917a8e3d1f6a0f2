package dev.spindle.actors.internal;

import dev.spindle.actors.ActorPath;
import dev.spindle.actors.ActorRef;
import dev.spindle.actors.AskTimeoutException;
import dev.spindle.actors.DeadLetter;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Thread-safe. An ask: a temporary ref that accepts one reply and completes a future with it, or
 * with an {@link AskTimeoutException} when the timeout comes first. Replies after that are dead
 * letters.
 */
final class Ask<R> implements ActorRef<R> {

    private static final AtomicLong IDS = new AtomicLong();

    private final Runtime runtime;
    private final long id = IDS.incrementAndGet();
    private final CompletableFuture<R> reply = new CompletableFuture<>();

    private Ask(Runtime runtime) {
        this.runtime = runtime;
    }

    static <M, R> CompletionStage<R> ask(Runtime runtime, ActorRef<M> target,
                                         Function<ActorRef<R>, ? extends M> request, Duration timeout) {
        Objects.requireNonNull(request, "request");
        long nanos = Objects.requireNonNull(timeout, "timeout").toNanos();
        if (nanos <= 0) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        Ask<R> ask = new Ask<>(runtime);
        M message = Objects.requireNonNull(request.apply(ask), "request built a null message");
        Scheduler.Scheduled timer = runtime.scheduler.schedule(nanos, () -> ask.reply.completeExceptionally(
                new AskTimeoutException("no reply from " + target.path() + " within " + timeout
                        + " to " + message.getClass().getSimpleName())));
        ask.reply.whenComplete((value, failure) -> timer.cancel());
        target.tell(message);
        return ask.reply;
    }

    @Override
    public void tell(R message) {
        Objects.requireNonNull(message, "message");
        if (!reply.complete(message)) {
            runtime.deadLetters.record(this, message, DeadLetter.Reason.STOPPED);
        }
    }

    @Override
    public <Q> CompletionStage<Q> ask(Function<ActorRef<Q>, ? extends R> request, Duration timeout) {
        return Ask.ask(runtime, this, request, timeout);
    }

    @Override
    public ActorPath path() {
        return runtime.tempPath.child("$ask" + id);
    }

    @Override
    public String toString() {
        return "Ask[" + path() + "]";
    }
}
