package dev.spindle.actors.internal;

import java.util.concurrent.ThreadFactory;

/**
 * Thread-safe. A virtual thread per active actor: an actor whose mailbox becomes non-empty gets a
 * virtual thread that drains it and ends when it is empty. An idle actor costs no thread; a
 * handler that blocks parks only its own virtual thread, so every other actor keeps running.
 */
final class VirtualThreadDispatcher implements Dispatcher {

    private final ThreadFactory threads;

    VirtualThreadDispatcher(String systemName) {
        this.threads = Thread.ofVirtual().name("spindle-" + systemName + "-actor").factory();
    }

    @Override
    public void schedule(ActorCell<?> cell) {
        threads.newThread(new Activation(cell)).start();
    }

    @Override
    public void close() {
        // Virtual threads need no shutting down: each ends with its actor's turn.
    }
}
