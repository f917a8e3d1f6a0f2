package dev.spindle.actors;

import java.io.Serial;

/** Immutable. An event listener threw a checked exception; it is the cause. */
public final class EventListenerException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    public EventListenerException(EventKey<?> event, Exception cause) {
        super("a listener of " + event + " threw", cause);
    }
}
