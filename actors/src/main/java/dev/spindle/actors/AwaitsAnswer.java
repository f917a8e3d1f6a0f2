package dev.spindle.actors;

/**
 * Implemented by a message whose sender waits for an answer from the actor it is sent to, and so
 * must hear when none will come: an HTTP request, which would otherwise leave its client hanging.
 * The system calls one of these methods when the message is lost, on the thread where it was lost;
 * an implementation answers for the actor (a 503, say), quickly and without blocking. What it throws
 * is logged and ignored.
 *
 * <pre>{@code
 * record Job(String id, ActorRef<Result> replyTo) implements AwaitsAnswer {
 *     public void deadLettered(DeadLetter.Reason reason) { replyTo.tell(Result.failed(id, reason.toString())); }
 *     public void handlerFailed(Throwable failure) { replyTo.tell(Result.failed(id, failure.toString())); }
 * }
 * }</pre>
 */
public interface AwaitsAnswer {

    /** It became a dead letter (after being counted as one): no behavior will see it. */
    void deadLettered(DeadLetter.Reason reason);

    /**
     * The behavior handling it threw {@code failure} (supervision decides what happens to the
     * actor). A behavior that answered before throwing has answered: check for that.
     */
    void handlerFailed(Throwable failure);
}
