package dev.spindle.actors;

/**
 * Immutable. A message that reached no behavior.
 *
 * @param recipient the actor it was for
 * @param message   the message
 * @param reason    why it was not handled
 */
public record DeadLetter(ActorRef<?> recipient, Object message, Reason reason) {

    /** Why a message became a dead letter. */
    public enum Reason {
        /** The recipient had stopped, or was stopping. */
        STOPPED,
        /** The recipient's bounded mailbox, or its stash, was full: the message was refused. */
        MAILBOX_FULL,
        /** A bounded mailbox with the drop-oldest policy made room for a newer message. */
        EVICTED,
        /** The behavior returned {@link Behavior#unhandled()}. */
        UNHANDLED
    }
}
