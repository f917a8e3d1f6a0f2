package dev.spindle.actors;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Immutable. How a supervisor paces restarts after failures: the wait before a restart doubles
 * from {@code min} with each failure within the {@code window}, up to {@code max}, plus a random
 * {@code jitter}; one failure more than {@code maxRestarts} within the window gives up. An actor's
 * {@link SupervisorStrategy.Restart} is one, a cluster's worker restarts another; {@link Failures}
 * counts against it.
 *
 * @param min         the wait before the first restart of a run of failures; zero restarts at once
 * @param max         the cap on the wait
 * @param jitter      a random extra fraction of the wait, in {@code [0, 1]}, so that siblings that
 *                    fail together do not restart together
 * @param maxRestarts the most restarts within {@code window}; one more failure gives up
 * @param window      how far back failures count (a sliding window); a quiet window resets the
 *                    wait too
 */
public record Backoff(Duration min, Duration max, double jitter, int maxRestarts, Duration window) {

    /** What {@link Failures#next} returns when a failure is one too many. */
    public static final long GIVE_UP = -1;

    public Backoff {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(window, "window");
        if (min.isNegative() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("need 0 <= minBackoff <= maxBackoff: " + min + ", " + max);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be in [0, 1]: " + jitter);
        }
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("maxRestarts must be >= 0: " + maxRestarts);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
    }

    /**
     * {@return the wait, in nanoseconds, before the restart after the {@code failures}-th failure
     * within the window: {@code min * 2^(failures-1)}, capped at {@code max}, plus
     * {@code jitter * random} of it}
     *
     * @param random a number in {@code [0, 1)}
     */
    public long delayNanos(int failures, double random) {
        long first = min.toNanos();
        if (first <= 0) {
            return 0;
        }
        long cap = max.toNanos();
        long wait = first;
        for (int i = 1; i < failures && wait < cap; i++) {
            wait = wait > cap / 2 ? cap : wait * 2;
        }
        wait = Math.min(wait, cap);
        return jitter > 0 ? wait + (long) (wait * jitter * random) : wait;
    }

    /**
     * Not thread-safe: one owner (an actor's thread). The failures within the last window, and the
     * decision each new one brings. Holds at most {@code maxRestarts + 1} times (fewer when they
     * leave the window), so the memory is bounded by the policy, not by the failures.
     */
    public static final class Failures {
        /** Failure times in nanoseconds, oldest first, in a ring from {@code first}. */
        private long[] times = NONE;
        private int first;
        private int count;

        private static final long[] NONE = {};

        /** An empty count: the next failure is the first of a run. */
        public Failures() {
        }

        /**
         * Counts a failure at {@code now} (nanoseconds, a monotonic clock) against {@code policy}.
         *
         * @return the wait before restarting, in nanoseconds; {@link #GIVE_UP} if this failure is
         *         one more than {@code policy.maxRestarts()} within its window
         */
        public long next(Backoff policy, long now) {
            long window = policy.window().toNanos();
            while (count > 0 && now - times[first] > window) {
                drop();
            }
            while (count > policy.maxRestarts()) { // a policy that allows fewer than the last one did
                drop();
            }
            add(now);
            if (count > policy.maxRestarts()) {
                return GIVE_UP;
            }
            return policy.delayNanos(count, ThreadLocalRandom.current().nextDouble());
        }

        /** {@return the failures within the window at the last {@link #next}, that one included} */
        public int count() {
            return count;
        }

        /** Forgets every failure: the next one is the first of a run. */
        public void clear() {
            count = 0;
            first = 0;
        }

        private void drop() {
            first = (first + 1) % times.length; // count > 0: times is not empty
            count--;
        }

        private void add(long now) {
            if (count == times.length) {
                long[] grown = new long[Math.max(4, times.length * 2)];
                for (int i = 0; i < count; i++) {
                    grown[i] = times[(first + i) % times.length];
                }
                times = grown;
                first = 0;
            }
            times[(first + count) % times.length] = now;
            count++;
        }

        @Override
        public String toString() {
            long[] window = new long[count];
            for (int i = 0; i < count; i++) {
                window[i] = times[(first + i) % times.length];
            }
            return "Failures" + Arrays.toString(window);
        }
    }
}
