package dev.spindle.perf.alternatives;

import dev.spindle.actors.internal.Activation;
import dev.spindle.actors.internal.ActorCell;
import dev.spindle.actors.internal.Dispatcher;

import java.util.concurrent.ThreadFactory;

/**
 * Thread-safe. Candidate (b) without hand-off: a new virtual thread for every actor that becomes
 * active, ending when its mailbox is empty. Blocking-safe and simple, but every message to an idle
 * actor starts a thread and, on an idle carrier, wakes one: the runtime's dispatcher is this plus
 * hand-off to the same thread.
 */
public final class ThreadPerActivationDispatcher implements Dispatcher {

    private final ThreadFactory threads = Thread.ofVirtual().factory();

    public ThreadPerActivationDispatcher(String systemName) {
        // one factory for all systems; the name is not needed
    }

    @Override
    public void schedule(ActorCell<?> cell) {
        threads.newThread(() -> {
            while (Activation.runOneTurn(cell)) {
                Thread.yield();
            }
        }).start();
    }

    @Override
    public void close() {
        // virtual threads end with their turns
    }
}
