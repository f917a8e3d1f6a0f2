package dev.spindle.actors.internal;

/**
 * Thread-safe. Runs tasks after a delay, on a thread of its own: the task must only hand off (send
 * a message), never do the work. The real one runs on a clock; a test's manual one when told.
 */
public interface Scheduler extends AutoCloseable {

    /** {@return the scheduler's notion of now, in nanoseconds, for intervals only} */
    long nanoTime();

    /** {@return a handle to cancel the task: after {@code cancel} the task does not start} */
    Scheduled schedule(long delayNanos, Runnable task);

    /** Drops every pending task. */
    @Override
    void close();

    /** Thread-safe. A task waiting for its time. */
    interface Scheduled {
        /** {@return false if the task already started or was cancelled} */
        boolean cancel();
    }
}
