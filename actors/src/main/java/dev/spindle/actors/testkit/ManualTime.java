package dev.spindle.actors.testkit;

import dev.spindle.actors.internal.Scheduler;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Thread-safe. The clock of an {@link ActorTestKit} made with {@link ActorTestKit#createWithManualTime}:
 * timers (setTimeout, setInterval, restart backoffs, ask timeouts) fire only when the test calls
 * {@link #advance}, in the order they are due, on the test's thread (which only sends messages).
 */
public final class ManualTime {

    private record Task(long due, long seq, Runnable action, boolean[] cancelled) implements Comparable<Task> {
        @Override
        public int compareTo(Task other) {
            return due != other.due ? Long.compare(due, other.due) : Long.compare(seq, other.seq);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long now;
    private long seq;

    /** What the runtime sees: this clock as its timers' scheduler. */
    private final Scheduler scheduler = new Scheduler() {
        @Override
        public long nanoTime() {
            return ManualTime.this.nanoTime();
        }

        @Override
        public Scheduled schedule(long delayNanos, Runnable task) {
            return ManualTime.this.schedule(delayNanos, task);
        }

        @Override
        public void close() {
            ManualTime.this.clear();
        }
    };

    ManualTime() {
    }

    Scheduler scheduler() {
        return scheduler;
    }

    /** {@return the manual clock's time, in nanoseconds since the kit started} */
    public long nanoTime() {
        lock.lock();
        try {
            return now;
        } finally {
            lock.unlock();
        }
    }

    private Scheduler.Scheduled schedule(long delayNanos, Runnable task) {
        boolean[] cancelled = {false};
        lock.lock();
        try {
            tasks.add(new Task(now + Math.max(0, delayNanos), seq++, task, cancelled));
        } finally {
            lock.unlock();
        }
        return () -> {
            lock.lock();
            try {
                boolean was = cancelled[0];
                cancelled[0] = true;
                return !was;
            } finally {
                lock.unlock();
            }
        };
    }

    /**
     * Moves the clock forward, running every task that falls due on the way, in order; a task
     * scheduled by one of them runs too if it falls due before the new time.
     */
    public void advance(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("time only moves forward: " + amount);
        }
        long target;
        lock.lock();
        try {
            target = now + amount.toNanos();
        } finally {
            lock.unlock();
        }
        for (;;) {
            Task next;
            lock.lock();
            try {
                next = tasks.peek();
                if (next == null || next.due() > target) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = next.due();
                if (next.cancelled()[0]) {
                    continue;
                }
                next.cancelled()[0] = true;
            } finally {
                lock.unlock();
            }
            // Outside the lock: the task sends a message, which may schedule another task.
            next.action().run();
        }
    }

    /**
     * Waits (on the real clock, up to {@code max}) until at least {@code count} tasks wait for their
     * time: actors schedule timers on their own threads, so a test that advances the clock right
     * after sending a message may otherwise advance it before the timer exists.
     *
     * @throws AssertionError if fewer are scheduled within {@code max}
     */
    public void awaitScheduled(int count, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (pending() < count) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("expected " + count + " scheduled timers within " + max + ", have " + pending());
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** {@return how many tasks wait for their time} */
    public int pending() {
        lock.lock();
        try {
            int live = 0;
            for (Task task : tasks) {
                if (!task.cancelled()[0]) {
                    live++;
                }
            }
            return live;
        } finally {
            lock.unlock();
        }
    }

    private void clear() {
        lock.lock();
        try {
            tasks.clear();
        } finally {
            lock.unlock();
        }
    }
}
