package dev.spindle.cluster.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Round-robin's turns, as two processes see them: two mappings of one file, one per "process"
 * (this JVM's pid and its parent's, both alive). The socket sharing itself is tested with real
 * workers in {@code ClusterTest}.
 */
class SharedPortTest {

    private static final long ME = ProcessHandle.current().pid();
    private static final long OTHER = ProcessHandle.current().parent().orElseThrow().pid();

    @TempDir
    Path directory;

    @Test
    void shouldLeaveConnectionsToTheLeastLoadedAndDealShortOnesInTurn() throws Exception {
        try (SharedPort.Turns mine = SharedPort.Turns.open(directory.resolve("t.turns"));
                SharedPort.Turns theirs = SharedPort.Turns.open(directory.resolve("t.turns"))) {
            SharedPort.Gate a = new SharedPort.Gate(mine, mine.claim(ME), null, null);
            for (int i = 0; i < 7; i++) {
                assertThat(a.admit()).as("alone, it takes every connection").isZero();
                a.accepted();
            }
            SharedPort.Gate b = new SharedPort.Gate(theirs, theirs.claim(OTHER), null, null);
            assertThat(a.admit()).as("7 open against a newcomer's 0: the newcomer's turn").isPositive();
            for (int i = 0; i < 7; i++) {
                assertThat(b.admit()).as("the newcomer takes new connections until it has its share").isZero();
                b.accepted();
            }
            assertThat(b.admit()).as("level, and it took the last one").isPositive();
            assertThat(a.admit()).isZero();

            // Short connections (opened and closed at once) go in turn.
            for (int i = 0; i < 3; i++) {
                a.accepted();
                a.released();
                assertThat(a.admit()).isPositive();
                assertThat(b.admit()).isZero();
                b.accepted();
                b.released();
                assertThat(b.admit()).isPositive();
                assertThat(a.admit()).isZero();
            }

            // Connections that close count: beyond the slack, the least loaded's turn.
            for (int i = 0; i <= SharedPort.SLACK; i++) {
                b.released();
            }
            assertThat(b.published()).isEqualTo(7 - SharedPort.SLACK - 1);
            assertThat(a.admit()).isPositive();
            assertThat(b.admit()).isZero();
        }
    }

    @Test
    void shouldStopWaitingForOneThatTakesNothingAndFreeTheSlotOfOneThatDied() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        try (SharedPort.Turns mine = SharedPort.Turns.open(directory.resolve("t.turns"));
                SharedPort.Turns theirs = SharedPort.Turns.open(directory.resolve("t.turns"))) {
            SharedPort.Gate a = new SharedPort.Gate(mine, mine.claim(ME), null, null);
            int dead = theirs.claim(gone.pid()); // as if it died after claiming
            assertThat(mine.pid(dead)).isEqualTo(gone.pid());
            a.accepted(); // its turn is over: the dead one has fewer open, and did not take the last
            long start = System.nanoTime();
            long deadline = start + 10 * SharedPort.STUCK_NANOS;
            while (a.admit() > 0) {
                assertThat(System.nanoTime()).as("still waiting for a dead process").isLessThan(deadline);
                Thread.onSpinWait();
            }
            assertThat(System.nanoTime() - start).as("it waited its turn first").isGreaterThanOrEqualTo(SharedPort.STUCK_NANOS);
            assertThat(mine.pid(dead)).as("freed").isZero();

            // a claim frees the slots of the dead too
            theirs.claim(gone.pid());
            assertThat(theirs.pid(theirs.claim(OTHER))).isEqualTo(OTHER);
            assertThat(mine.pid(dead)).as("the dead claimant's slot, taken by the newcomer").isEqualTo(OTHER);
        }
    }

    @Test
    void shouldWaitForALiveWorkerThatTakesNothingUntilItLooksHungThenOnceNotOncePerConnection() throws Exception {
        try (SharedPort.Turns mine = SharedPort.Turns.open(directory.resolve("t.turns"));
                SharedPort.Turns theirs = SharedPort.Turns.open(directory.resolve("t.turns"))) {
            SharedPort.Gate a = new SharedPort.Gate(mine, mine.claim(ME), null, null);
            theirs.claim(OTHER); // alive, and never accepts (stopped, say)
            a.accepted();
            long start = System.nanoTime();
            long deadline = start + 3 * SharedPort.HUNG_NANOS;
            while (true) {
                long wait = a.admit();
                long waited = System.nanoTime() - start;
                if (waited < SharedPort.HUNG_NANOS) {
                    // slow, as a cold worker's first connection is: it keeps its turn
                    assertThat(wait).as("after %d ms", waited / 1_000_000).isPositive();
                } else if (wait == 0) {
                    break;
                }
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.onSpinWait();
            }
            // Its own accepts are no sign of the other: it goes on taking connections at once.
            for (int i = 0; i < 10; i++) {
                a.accepted();
                assertThat(a.admit()).as("connection %d after the wait", i).isZero();
            }
        }
    }
}
