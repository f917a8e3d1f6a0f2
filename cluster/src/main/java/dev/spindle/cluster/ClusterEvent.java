package dev.spindle.cluster;

import java.net.InetSocketAddress;

/**
 * Immutable. What the primary tells the actor that watches its workers (Node's {@code cluster}
 * events). Per worker process, in order: {@link Forked}, {@link Online}, any {@link Listening},
 * {@link Message}s, {@link Overflow}s and {@link Unresponsive}s, {@link Disconnected} once its
 * link is gone, and {@link Exited} last; a worker that is restarted starts again with
 * {@link Forked}.
 */
public sealed interface ClusterEvent {

    /** A process for the worker was started: {@code pid}. */
    record Forked(Worker worker, long pid) implements ClusterEvent {
    }

    /** The worker connected to the primary and proved it is ours: it can be sent messages. */
    record Online(Worker worker) implements ClusterEvent {
    }

    /** The worker said it listens on {@code address} ({@link ClusterWorker#listening}). */
    record Listening(Worker worker, InetSocketAddress address) implements ClusterEvent {
    }

    /** The worker sent {@code message} ({@link ClusterWorker#send}). */
    record Message(Worker worker, Object message) implements ClusterEvent {
    }

    /**
     * The worker's process left its IPC ring full for {@link ClusterConfig#sendTimeout()}: messages
     * to it are dropped without waiting until it reads again, each counted in
     * {@link Worker#undelivered()} and published as a dead letter. Told once per stall.
     */
    record Overflow(Worker worker) implements ClusterEvent {
    }

    /**
     * The worker's process {@code pid} has written nothing over IPC, not even an answer to a
     * heartbeat, for {@code silentFor} ({@link ClusterConfig#liveness()}): stopped, hung, or
     * thrashing. {@code killed}: it is being killed and will be restarted as after a crash (the
     * policy {@link ClusterConfig.OnUnresponsive#RESTART}); else only reported, once per silence.
     */
    record Unresponsive(Worker worker, long pid, java.time.Duration silentFor, boolean killed) implements ClusterEvent {
    }

    /** The worker's link to the primary closed: nothing more can be sent to it. */
    record Disconnected(Worker worker) implements ClusterEvent {
    }

    /**
     * The worker's process {@code pid} ended with exit {@code code}, or was killed by
     * {@code signal} (e.g. {@code "SIGKILL"}; null if it exited). {@code restarting}: a new process
     * takes its place after the backoff (it crashed, and the crash-loop guard has not tripped). A
     * process replaced by a rolling restart exits with {@code restarting} false: its successor is
     * already running.
     */
    record Exited(Worker worker, long pid, int code, String signal, boolean restarting) implements ClusterEvent {
    }

    /**
     * The worker crashed {@code crashes} times within the crash window: it is not restarted any
     * more (the crash-loop guard), unless {@link ClusterConfig#retryGivenUpAfter()} tries it again
     * after a cool-down; the cluster runs on with one worker fewer.
     */
    record GaveUp(Worker worker, int crashes) implements ClusterEvent {
    }

    /**
     * Every worker has been given up ({@link GaveUp}): the cluster serves nothing. With
     * {@code retryAfter} (the config's {@link ClusterConfig#retryGivenUpAfter()}) each is tried
     * again after that cool-down; null: none will be, the primary closes and
     * {@link ClusterPrimary#terminated()} fails.
     */
    record AllGaveUp(java.time.Duration retryAfter) implements ClusterEvent {
    }
}
