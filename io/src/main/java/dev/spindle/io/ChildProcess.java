package dev.spindle.io;

/** Thread-safe. A child process started by {@link Io#spawn}. */
public interface ChildProcess {

    long pid();

    /**
     * Queues {@code data} (copied) for the child's standard input, with Node's flow control.
     *
     * @return {@code true} while the bytes queued are below the high-water mark (64 KiB);
     *     {@code false} from there on (a {@link ProcessEvent.StdinDrained} follows at 16 KiB) and
     *     once stdin is closed
     * @throws WriteQueueFullException if 4 MiB already wait: the child is not reading
     */
    boolean write(byte[] data);

    /**
     * Stops reading the child's stdout and stderr: after at most one more chunk per stream (a
     * read already under way), no more output is told until {@link #resumeOutput}; the pipes fill
     * and the child waits on its writes (Node's {@code stdout.pause()}). Without it, output is
     * told as fast as the child writes it. Once the child has ended, what its pipes hold is read
     * whatever the pause, so that {@link ProcessEvent.Exited} can follow.
     */
    void pauseOutput();

    /** Reads the child's output again after {@link #pauseOutput}. */
    void resumeOutput();

    /** Closes the child's standard input, after what was queued (its end-of-file). */
    void closeStdin();

    /**
     * Sends {@code signal} ({@code "TERM"}, {@code "KILL"}, {@code "INT"}, {@code "HUP"}, ... as
     * {@code kill -s} knows them) to the child.
     */
    void kill(String signal);
}
