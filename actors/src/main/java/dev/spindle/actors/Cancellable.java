package dev.spindle.actors;

/** Thread-safe. Something scheduled or running that can be called off: a timer, offloaded work. */
public interface Cancellable {

    /**
     * Calls it off; nothing it would have sent is sent after this returns, if called on the owning
     * actor's thread.
     *
     * @return {@code true} if this call cancelled it; {@code false} if it had already run, finished
     *     or been cancelled
     */
    boolean cancel();

    /** {@return whether it was cancelled} */
    boolean isCancelled();
}
