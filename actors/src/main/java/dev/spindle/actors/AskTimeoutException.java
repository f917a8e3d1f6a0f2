package dev.spindle.actors;

import java.io.Serial;
import java.util.concurrent.TimeoutException;

/** Immutable. An {@link ActorRef#ask} got no reply within its timeout. */
public final class AskTimeoutException extends TimeoutException {

    @Serial
    private static final long serialVersionUID = 1L;

    public AskTimeoutException(String message) {
        super(message);
    }
}
