package dev.spindle.actors;

import java.io.Serial;

/** Immutable. A child actor escalated its failure: its parent fails with this, the cause attached. */
public final class ActorFailedException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient ActorRef<?> child;

    public ActorFailedException(ActorRef<?> child, Throwable cause) {
        super("child " + child.path() + " failed", cause);
        this.child = child;
    }

    /** {@return the child that failed} */
    public ActorRef<?> child() {
        return child;
    }
}
