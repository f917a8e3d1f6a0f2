package dev.spindle.actors.internal;

import dev.spindle.actors.Cancellable;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Actor-thread only, except what {@link Job} says. The work one actor has offloaded to virtual
 * threads: at most {@code limit} run at once, the rest wait in order. A finished job comes back to
 * the actor as an envelope in its mailbox, and only there (on the actor's thread) is its result
 * turned into a message and the next waiting job started.
 */
final class Offloads {

    private final ActorCell<?> owner;
    private final int limit;
    private final Set<Job<?, ?>> running = new HashSet<>();
    private final ArrayDeque<Job<?, ?>> waiting = new ArrayDeque<>();

    Offloads(ActorCell<?> owner, int limit) {
        this.owner = owner;
        this.limit = limit;
    }

    <T, M> Cancellable submit(Callable<T> work, Function<? super T, ? extends M> onResult,
                              Function<Throwable, ? extends M> onFailure) {
        Job<T, M> job = new Job<>(this, work, onResult, onFailure);
        if (running.size() < limit) {
            start(job);
        } else {
            waiting.addLast(job);
        }
        return job;
    }

    private void start(Job<?, ?> job) {
        running.add(job);
        job.thread = owner.runtime.workerThreads.newThread(job);
        job.thread.start();
    }

    /** On the actor's thread, when a job's envelope is opened: make room for the next. */
    private void finished(Job<?, ?> job) {
        running.remove(job);
        while (running.size() < limit && !waiting.isEmpty()) {
            Job<?, ?> next = waiting.pollFirst();
            if (!next.cancelled) {
                start(next);
            }
        }
    }

    void cancelAll() {
        for (Job<?, ?> job : running) {
            job.cancel();
        }
        for (Job<?, ?> job : waiting) {
            job.cancel();
        }
        running.clear();
        waiting.clear();
    }

    /**
     * Thread-safe. One offloaded piece of work: runs on its own virtual thread, then travels back to
     * the actor as an envelope; cancelling interrupts the thread and drops the result.
     */
    static final class Job<T, M> implements Runnable, Envelope, Cancellable {
        private final Offloads offloads;
        private final Callable<T> work;
        private final Function<? super T, ? extends M> onResult;
        private final Function<Throwable, ? extends M> onFailure;
        volatile Thread thread;
        volatile boolean cancelled;
        /** Written by the worker before it enqueues this envelope; read by the actor after. */
        private T result;
        private Throwable failure;

        Job(Offloads offloads, Callable<T> work, Function<? super T, ? extends M> onResult,
            Function<Throwable, ? extends M> onFailure) {
            this.offloads = offloads;
            this.work = work;
            this.onResult = onResult;
            this.onFailure = onFailure;
        }

        @Override
        public void run() {
            try {
                if (!cancelled) {
                    result = work.call();
                }
            } catch (Throwable e) {
                failure = e;
            }
            // Always back to the actor, even when cancelled: the running count lives on its thread.
            offloads.owner.enqueue(this);
        }

        @Override
        public Object open(ActorCell<?> recipient) {
            offloads.finished(this);
            if (cancelled) {
                return null;
            }
            return failure == null ? onResult.apply(result) : onFailure.apply(failure);
        }

        @Override
        public Object payload() {
            return failure == null ? result : failure;
        }

        @Override
        public boolean isCalledOff() {
            return cancelled;
        }

        @Override
        public boolean cancel() {
            if (cancelled) {
                return false;
            }
            cancelled = true;
            Thread worker = thread;
            if (worker != null) {
                worker.interrupt();
            }
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }
}
