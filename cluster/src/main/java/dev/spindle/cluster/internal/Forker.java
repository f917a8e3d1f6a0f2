package dev.spindle.cluster.internal;

import dev.spindle.cluster.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Thread-safe (stateless past construction). Starts a process of one worker slot with its two
 * rings: the environment that tells it which worker it is, where to find the primary and its
 * secret, and where its output goes.
 */
final class Forker {

    private static final Logger LOG = LoggerFactory.getLogger(Forker.class);

    private final PrimaryImpl primary;
    private final int id;

    Forker(PrimaryImpl primary, int id) {
        this.primary = primary;
        this.id = id;
    }

    /**
     * Blocks while the JVM forks (milliseconds). {@return process {@code number} of the slot, its
     * rings made}
     *
     * @throws IOException if the rings or the process cannot be made (nothing is left behind)
     */
    Life fork(int number) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Launch.command(primary.config)).inheritIO();
        Path logs = primary.config.workerLogs();
        if (logs != null) {
            try {
                Files.createDirectories(logs);
                builder.redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("worker-" + id + ".log").toFile()));
            } catch (IOException e) {
                LOG.warn("cluster: cannot write worker {}'s output to {}; it goes to the primary's", id, logs, e);
            }
        }
        Path rings = primary.directory.resolve("worker-" + id + "." + number);
        builder.environment().put(Cluster.WORKER_ID_ENV, Integer.toString(id));
        builder.environment().put(WorkerImpl.INCARNATION_ENV, Integer.toString(number));
        builder.environment().put(WorkerImpl.SOCKET_ENV, primary.socket.toString());
        builder.environment().put(WorkerImpl.SECRET_ENV, primary.secretHex());
        builder.environment().put(WorkerImpl.RINGS_ENV, rings.toString());
        builder.environment().put(WorkerImpl.BALANCING_ENV, primary.config.balancing().name());
        ShmRing up = null;
        ShmRing down = null;
        try {
            int capacity = Link.ringCapacity(primary.config.maxFrameBytes());
            up = ShmRing.create(WorkerImpl.up(rings), capacity);
            down = ShmRing.create(WorkerImpl.down(rings), capacity);
            return new Life(number, builder.start(), rings, up, down);
        } catch (IOException e) {
            Life.closeRings(up, down, rings);
            throw new IOException("cannot start worker " + id + ": " + String.join(" ", builder.command()), e);
        }
    }
}
