package dev.spindle.actors;

import java.io.Serial;

/** Immutable. An {@link EventEmitter#ERROR} event was emitted and nothing listened to it. */
public final class UnhandledErrorEventException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    public UnhandledErrorEventException(Throwable error) {
        super("unhandled 'error' event: " + error, error);
    }
}
