package dev.spindle.perf.alternatives;

import dev.spindle.actors.internal.Activation;
import dev.spindle.actors.internal.ActorCell;
import dev.spindle.actors.internal.Dispatcher;

import java.util.concurrent.ForkJoinPool;

/**
 * Thread-safe. Candidate (a), Pekko's way: each activation is a task on a work-stealing pool of
 * platform threads, one per core. Rejected: a handler that blocks blocks a pool thread, and with
 * as many blockers as cores every other actor stops.
 */
public final class ForkJoinDispatcher implements Dispatcher {

    private final ForkJoinPool pool;

    public ForkJoinDispatcher(String systemName) {
        pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors(),
                ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
    }

    @Override
    public void schedule(ActorCell<?> cell) {
        pool.execute(() -> {
            if (Activation.runOneTurn(cell)) {
                // Fairness: back of the queue.
                schedule(cell);
            }
        });
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
