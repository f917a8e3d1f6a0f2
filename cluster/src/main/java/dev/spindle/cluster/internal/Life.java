package dev.spindle.cluster.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Actor-thread only (its slot's actor), but {@link #link}, which {@link WorkerSlot#send} reads from
 * any thread. One process of a worker slot, from its fork to its exit: the process, its two rings
 * and, once it said hello, its link.
 */
final class Life {

    private static final Logger LOG = LoggerFactory.getLogger(Life.class);

    final int number;
    final Process process;
    private final Path rings;
    private final ShmRing up;
    private final ShmRing down;
    /** Its link once admitted, until it closes or the process exits; written by the actor only. */
    volatile Link link;
    /** Asked to end (disconnect, kill, cluster close, replaced): its exit is not a crash. */
    boolean stopRequested;
    boolean disconnectedTold;
    /** Told {@link dev.spindle.cluster.ClusterEvent.Unresponsive} for its present silence. */
    boolean silenceTold;
    /** Why its link ended, or its hello was refused: for the message of a process that ends before it listens. */
    String linkEnd;

    Life(int number, Process process, Path rings, ShmRing up, ShmRing down) {
        this.number = number;
        this.process = process;
        this.rings = rings;
        this.up = up;
        this.down = down;
    }

    /** Moves {@code admitted} onto this process's rings: its reader starts. */
    void attach(Link admitted) {
        link = admitted;
        admitted.attach(up, down);
    }

    /** Unmaps the rings and removes their files. */
    void removeRings() {
        closeRings(up, down, rings);
    }

    static void closeRings(ShmRing up, ShmRing down, Path rings) {
        for (ShmRing ring : new ShmRing[] {up, down}) {
            if (ring != null) {
                try {
                    ring.close();
                } catch (IOException ignored) {
                    // its mapping goes with the buffer
                }
            }
        }
        try {
            Files.deleteIfExists(WorkerImpl.up(rings));
            Files.deleteIfExists(WorkerImpl.down(rings));
        } catch (IOException e) {
            LOG.debug("cluster: could not remove the rings {}", rings, e);
        }
    }
}
