package dev.spindle.cluster;

import java.io.IOException;

/** Immutable. What a worker's actor hears from its primary. */
public sealed interface WorkerEvent {

    /** The primary sent {@code message} ({@link Worker#send}). */
    record Message(Object message) implements WorkerEvent {
    }

    /**
     * The primary asks this worker to stop: stop accepting, finish what is in flight, then close
     * the {@link ClusterWorker} and end (let {@code main} return).
     */
    record Disconnect() implements WorkerEvent {
    }

    /**
     * The link to the primary closed ({@code cause} null if orderly): the primary has gone or
     * closed it. A worker without its primary should end.
     */
    record PrimaryGone(IOException cause) implements WorkerEvent {
    }
}
