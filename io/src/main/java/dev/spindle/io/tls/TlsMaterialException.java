package dev.spindle.io.tls;

import java.io.Serial;
import java.nio.file.Path;

/**
 * Immutable. Key or trust material that cannot be used: a file that cannot be read, a format
 * Spindle refuses, a key that does not match its certificate, a chain out of order. The message
 * names the file (when there is one) and how to fix it.
 */
public final class TlsMaterialException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public TlsMaterialException(Path file, String message) {
        this(file, message, null);
    }

    public TlsMaterialException(Path file, String message, Throwable cause) {
        super(file == null ? message : file + ": " + message, cause);
        this.file = file;
    }

    /** {@return the file at fault, or {@code null} when the material came from memory} */
    public Path file() {
        return file;
    }
}
