package dev.spindle.actors.internal;

/**
 * Thread-safe. Runs actors whose mailboxes were scheduled: how turns are mapped onto threads. The
 * runtime's one is {@link VirtualThreadDispatcher}; {@code perf} keeps the alternatives it was
 * measured against.
 */
public interface Dispatcher extends AutoCloseable {

    /** The caller holds {@code cell}'s mailbox and hands it over: run the actor. */
    void schedule(ActorCell<?> cell);

    /** Stops accepting work; turns already running finish. */
    @Override
    void close();
}
