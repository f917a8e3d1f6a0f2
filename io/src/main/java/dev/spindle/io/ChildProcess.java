package dev.spindle.io;

/** Thread-safe. A child process started by {@link Io#spawn}. */
public interface ChildProcess {

    long pid();

    /** Queues {@code data} (copied) for the child's standard input; {@code false} once stdin is closed. */
    boolean write(byte[] data);

    /** Closes the child's standard input, after what was queued (its end-of-file). */
    void closeStdin();

    /**
     * Sends {@code signal} ({@code "TERM"}, {@code "KILL"}, {@code "INT"}, {@code "HUP"}, ... as
     * {@code kill -s} knows them) to the child.
     */
    void kill(String signal);
}
