package dev.spindle.cluster;

import dev.spindle.actors.Backoff;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Immutable. How a primary runs its workers; each {@code withX} returns a copy. The primary and
 * the workers build the same config (they run the same code): the codecs must match.
 *
 * @param workers          worker processes (default: one per core)
 * @param workerMain       the workers' main class; null: the primary's own
 * @param workerArgs       the workers' program arguments; null: the primary's own
 * @param extraJvmArgs     flags for the worker JVMs on top of the primary's own
 * @param restartBackoff   the delay before the first restart of a crashed worker, doubling per
 *                         crash in the crash window up to {@code maxRestartBackoff}
 * @param maxRestartBackoff the longest delay before a restart
 * @param maxRestarts      crashes of one worker within {@code crashWindow} after which it is not
 *                         restarted any more (the crash-loop guard)
 * @param crashWindow      see {@code maxRestarts}
 * @param shutdownTimeout  how long {@link ClusterPrimary#close()} waits for disconnected workers
 *                         to exit before it kills them
 * @param maxFrameBytes    the largest IPC message, encoded (default 1 MiB); a bigger one is refused
 *                         at {@code send}. Each worker has two shared-memory rings of about twice
 *                         this (a power of two, at least 64 KiB)
 * @param codecs           the message types that cross between processes, in registration order
 * @param workerLogs       a directory where each worker's output goes ({@code worker-<id>.log},
 *                         appended, stderr with stdout); null (the default): the primary's own
 *                         stdout and stderr, as Node's workers share theirs
 * @param balancing        how workers listening on one address share its connections (default
 *                         {@link Balancing#REUSE_PORT}); the primary's choice is the workers'
 * @param sendTimeout      how long a send to another process waits for room in its full ring
 *                         (default 1 s); then that process is behind: messages to it are dropped
 *                         (counted, dead letters, {@link ClusterEvent.Overflow}) without waiting,
 *                         until it reads again. A hung process never blocks its senders for longer
 * @param liveness         how the primary finds a worker that stopped answering (heartbeats)
 * @param retryGivenUpAfter the cool-down after which a worker given up on (crash loop) is tried
 *                         again, its crash count cleared; null (the default): never. Without it,
 *                         once every worker is given up the primary closes and
 *                         {@link ClusterPrimary#terminated()} fails, for {@code main} to exit
 *                         non-zero and a supervisor to act
 */
public record ClusterConfig(int workers, String workerMain, List<String> workerArgs, List<String> extraJvmArgs,
        Duration restartBackoff, Duration maxRestartBackoff, int maxRestarts, Duration crashWindow,
        Duration shutdownTimeout, int maxFrameBytes, List<Registration<?>> codecs, Path workerLogs, Balancing balancing,
        Duration sendTimeout, Liveness liveness, Duration retryGivenUpAfter) {

    /** One message type: its wire id, class and codec. */
    public record Registration<T>(int id, Class<T> type, Codec<T> codec) {
        public Registration {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(codec, "codec");
        }
    }

    /** What the primary does with a worker that stopped answering its heartbeat. */
    public enum OnUnresponsive {
        /** Kill it (SIGKILL) and restart it as after a crash, after telling {@link ClusterEvent.Unresponsive}. */
        RESTART,
        /** Only tell {@link ClusterEvent.Unresponsive} (once per silence), and let the watcher decide. */
        REPORT
    }

    /**
     * Immutable. The primary's heartbeat: every {@code interval} it pings each worker process over
     * IPC; one that has written nothing (not even the answer) for {@code timeout} is
     * {@link ClusterEvent.Unresponsive}, and {@code onUnresponsive} says what follows.
     */
    public record Liveness(Duration interval, Duration timeout, OnUnresponsive onUnresponsive) {
        public Liveness {
            Objects.requireNonNull(onUnresponsive, "onUnresponsive");
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("liveness.interval must be positive: " + interval);
            }
            if (timeout == null || timeout.compareTo(interval.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("liveness.timeout must be at least twice the interval ("
                        + interval + "): " + timeout);
            }
        }
    }

    public ClusterConfig {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1: " + workers);
        }
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("maxRestarts must not be negative: " + maxRestarts);
        }
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("maxFrameBytes must be at least 1 KiB: " + maxFrameBytes);
        }
        workerArgs = workerArgs == null ? null : List.copyOf(workerArgs);
        extraJvmArgs = List.copyOf(extraJvmArgs);
        codecs = List.copyOf(codecs);
        Objects.requireNonNull(restartBackoff, "restartBackoff");
        Objects.requireNonNull(maxRestartBackoff, "maxRestartBackoff");
        Objects.requireNonNull(crashWindow, "crashWindow");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(balancing, "balancing");
        Objects.requireNonNull(liveness, "liveness");
        if (retryGivenUpAfter != null && (retryGivenUpAfter.isNegative() || retryGivenUpAfter.isZero())) {
            throw new IllegalArgumentException("retryGivenUpAfter must be positive, or null for never: " + retryGivenUpAfter);
        }
        if (sendTimeout == null || sendTimeout.isNegative()) {
            throw new IllegalArgumentException("sendTimeout must not be negative: " + sendTimeout);
        }
        try {
            new Backoff(restartBackoff, maxRestartBackoff, 0, maxRestarts, crashWindow); // as an actor's restarts
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("restarts (restartBackoff, maxRestartBackoff, maxRestarts, crashWindow): "
                    + e.getMessage(), e);
        }
    }

    /**
     * {@return how crashed workers are restarted, as the same value an actor's
     * {@link dev.spindle.actors.SupervisorStrategy.Restart} paces by: {@code restartBackoff}
     * doubling to {@code maxRestartBackoff}, no jitter, giving up past {@code maxRestarts} crashes
     * within {@code crashWindow}}
     */
    public Backoff restartBackoffPolicy() {
        return new Backoff(restartBackoff, maxRestartBackoff, 0, maxRestarts, crashWindow);
    }

    /**
     * {@return one worker per core, restarts after 100 ms doubling to 10 s, at most 5 crashes a
     * minute, 10 s to shut down, sends waiting 1 s at most, a heartbeat every second and a worker
     * silent for 10 s killed and restarted}
     */
    public static ClusterConfig defaults() {
        return new ClusterConfig(Runtime.getRuntime().availableProcessors(), null, null, List.of(),
                Duration.ofMillis(100), Duration.ofSeconds(10), 5, Duration.ofMinutes(1), Duration.ofSeconds(10),
                1 << 20, List.of(new Registration<>(0, String.class, Codec.STRING),
                        new Registration<>(1, byte[].class, Codec.BYTES)), null, Balancing.REUSE_PORT,
                Duration.ofSeconds(1), new Liveness(Duration.ofSeconds(1), Duration.ofSeconds(10), OnUnresponsive.RESTART), null);
    }

    public ClusterConfig withWorkers(int count) {
        return new ClusterConfig(count, workerMain, workerArgs, extraJvmArgs, restartBackoff, maxRestartBackoff,
                maxRestarts, crashWindow, shutdownTimeout, maxFrameBytes, codecs, workerLogs, balancing, sendTimeout, liveness, retryGivenUpAfter);
    }

    /** {@return a copy whose workers run {@code main} with {@code args} instead of the primary's main class and arguments} */
    public ClusterConfig withWorkerMain(Class<?> main, String... args) {
        return new ClusterConfig(workers, main.getName(), List.of(args), extraJvmArgs, restartBackoff,
                maxRestartBackoff, maxRestarts, crashWindow, shutdownTimeout, maxFrameBytes, codecs, workerLogs, balancing, sendTimeout, liveness, retryGivenUpAfter);
    }

    public ClusterConfig withExtraJvmArgs(String... args) {
        return new ClusterConfig(workers, workerMain, workerArgs, List.of(args), restartBackoff, maxRestartBackoff,
                maxRestarts, crashWindow, shutdownTimeout, maxFrameBytes, codecs, workerLogs, balancing, sendTimeout, liveness, retryGivenUpAfter);
    }

    /** {@return a copy with this restart backoff and crash-loop guard} */
    public ClusterConfig withRestarts(Duration backoff, Duration maxBackoff, int maxCrashes, Duration window) {
        return new ClusterConfig(workers, workerMain, workerArgs, extraJvmArgs, backoff, maxBackoff, maxCrashes,
                window, shutdownTimeout, maxFrameBytes, codecs, workerLogs, balancing, sendTimeout, liveness, retryGivenUpAfter);
    }

    public ClusterConfig withShutdownTimeout(Duration timeout) {
        return new ClusterConfig(workers, workerMain, workerArgs, extraJvmArgs, restartBackoff, maxRestartBackoff,
                maxRestarts, crashWindow, timeout, maxFrameBytes, codecs, workerLogs, balancing, sendTimeout, liveness, retryGivenUpAfter);
    }

    public ClusterConfig withMaxFrameBytes(int bytes) {
        return new ClusterConfig(workers, workerMain, workerArgs, extraJvmArgs, restartBackoff, maxRestartBackoff,
                maxRestarts, crashWindow, shutdownTimeout, bytes, codecs, workerLogs, balancing, sendTimeout, liveness, retryGivenUpAfter);
    }

    /** {@return a copy whose workers write their output to {@code directory}/worker-&lt;id&gt;.log instead of the primary's} */
    public ClusterConfig withWorkerLogs(Path directory) {
        return new ClusterConfig(workers, workerMain, workerArgs, extraJvmArgs, restartBackoff, maxRestartBackoff,
                maxRestarts, crashWindow, shutdownTimeout, maxFrameBytes, codecs, directory, balancing, sendTimeout, liveness, retryGivenUpAfter);
    }

    /** {@return a copy whose workers share the addresses they listen on this way} */
    public ClusterConfig withBalancing(Balancing policy) {
        return new ClusterConfig(workers, workerMain, workerArgs, extraJvmArgs, restartBackoff, maxRestartBackoff,
                maxRestarts, crashWindow, shutdownTimeout, maxFrameBytes, codecs, workerLogs, policy, sendTimeout, liveness, retryGivenUpAfter);
    }

    /** {@return a copy whose sends wait at most {@code timeout} for room in a full ring (zero: never)} */
    public ClusterConfig withSendTimeout(Duration timeout) {
        return new ClusterConfig(workers, workerMain, workerArgs, extraJvmArgs, restartBackoff, maxRestartBackoff,
                maxRestarts, crashWindow, shutdownTimeout, maxFrameBytes, codecs, workerLogs, balancing, timeout, liveness, retryGivenUpAfter);
    }

    /** {@return a copy whose primary pings every {@code interval}, and acts on a worker silent for {@code timeout}} */
    public ClusterConfig withLiveness(Duration interval, Duration timeout, OnUnresponsive action) {
        return new ClusterConfig(workers, workerMain, workerArgs, extraJvmArgs, restartBackoff, maxRestartBackoff,
                maxRestarts, crashWindow, shutdownTimeout, maxFrameBytes, codecs, workerLogs, balancing, sendTimeout,
                new Liveness(interval, timeout, action), retryGivenUpAfter);
    }

    /**
     * {@return a copy whose primary tries a worker it gave up on again after {@code coolDown} (null:
     * never, the default)} Pick it longer than the crash window: what made the worker crash (a
     * database down, a full disk) has time to go.
     */
    public ClusterConfig withRetryGivenUpAfter(Duration coolDown) {
        return new ClusterConfig(workers, workerMain, workerArgs, extraJvmArgs, restartBackoff, maxRestartBackoff,
                maxRestarts, crashWindow, shutdownTimeout, maxFrameBytes, codecs, workerLogs, balancing, sendTimeout,
                liveness, coolDown);
    }

    /**
     * {@return a copy that can send {@code type} (and its subtypes) between processes as wire id
     * {@code id}} Ids 0 ({@code String}) and 1 ({@code byte[]}) are taken by the defaults.
     *
     * @throws IllegalArgumentException if {@code id} or {@code type} is registered already
     */
    public <T> ClusterConfig withCodec(int id, Class<T> type, Codec<T> codec) {
        for (Registration<?> r : codecs) {
            if (r.id() == id || r.type() == type) {
                throw new IllegalArgumentException("id " + id + " or " + type.getName() + " is registered already: " + r);
            }
        }
        List<Registration<?>> more = new ArrayList<>(codecs);
        more.add(new Registration<>(id, type, codec));
        return new ClusterConfig(workers, workerMain, workerArgs, extraJvmArgs, restartBackoff, maxRestartBackoff,
                maxRestarts, crashWindow, shutdownTimeout, maxFrameBytes, Collections.unmodifiableList(more), workerLogs, balancing, sendTimeout, liveness, retryGivenUpAfter);
    }
}
