package dev.spindle.cluster.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared-memory ring: many writers, one reader, two mappings of one file (as two processes have). */
class ShmRingTest {

    @TempDir
    Path dir;

    /** {@return the bytes of record {@code seq} of {@code producer}: its length varies, its content is checkable} */
    private static byte[] body(int producer, int seq, Random lengths) {
        byte[] bytes = new byte[lengths.nextInt(300)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (producer * 31 + seq + i);
        }
        return bytes;
    }

    @Test
    @Timeout(120)
    void shouldHandEveryRecordOverInOrderPerWriterThroughASmallRing() throws Exception {
        long seed = Long.getLong("spindle.seed", System.nanoTime());
        System.out.println("ShmRingTest seed " + seed + " (replay with -Dspindle.seed=" + seed + ")");
        Path file = dir.resolve("ring");
        int producers = 3;
        int perProducer = 40_000;
        try (ShmRing writer = ShmRing.create(file, 4096); ShmRing reader = ShmRing.open(file)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                Random lengths = new Random(seed + p);
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int seq = 0; seq < perProducer; seq++) {
                        byte[] body = body(producer, seq, lengths);
                        while (!writer.offer(producer, body, 0, body.length)) {
                            Thread.onSpinWait(); // full: the reader is behind
                        }
                    }
                }));
            }
            int[] next = new int[producers];
            Random[] expected = new Random[producers];
            for (int p = 0; p < producers; p++) {
                expected[p] = new Random(seed + p);
            }
            int total = 0;
            long deadline = System.nanoTime() + 100_000_000_000L;
            while (total < producers * perProducer) {
                assertThat(System.nanoTime() - deadline).as("all records within 100 s, seed %d", seed).isNegative();
                total += reader.poll((kind, buffer, offset, length) -> {
                    byte[] want = body(kind, next[kind], expected[kind]);
                    byte[] got = new byte[length];
                    buffer.get(offset, got);
                    if (!java.util.Arrays.equals(want, got)) {
                        failure.compareAndSet(null, new AssertionError("writer " + kind + " record " + next[kind]
                                + ": wrong bytes (seed " + seed + ")"));
                    }
                    next[kind]++;
                    return true;
                }, 64);
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(next).containsOnly(perProducer);
            assertThat(reader.poll((k, b, o, l) -> true, 1)).isZero();
        }
    }

    @Test
    void shouldRefuseWhenFullAndTakeMoreOnceRead() throws IOException {
        try (ShmRing ring = ShmRing.create(dir.resolve("full"), 1024)) {
            byte[] body = new byte[120]; // 128 bytes a record
            int taken = 0;
            while (ring.offer(7, body, 0, body.length)) {
                taken++;
            }
            assertThat(taken).isEqualTo(8);
            assertThat(ring.poll((k, b, o, l) -> k == 7, 3)).isEqualTo(3);
            assertThat(ring.offer(7, body, 0, body.length)).isTrue();
            assertThat(ring.unread()).isEqualTo(6);
            assertThat(ring.poll((k, b, o, l) -> false, 10)).as("a reader that stops leaves it there").isZero();
            assertThat(ring.unread()).isEqualTo(6);
            assertThatThrownBy(() -> ring.offer(1, new byte[1024], 0, 1024)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldWakeASleepingReaderOnceAndNotMissARecordThatRacesItsSleep() throws IOException {
        try (ShmRing ring = ShmRing.create(dir.resolve("sleep"), 1024)) {
            assertThat(ring.claimWakeUp()).as("awake: nobody to wake").isFalse();
            assertThat(ring.prepareToSleep()).isTrue();
            assertThat(ring.offer(1, new byte[3], 0, 3)).isTrue();
            assertThat(ring.claimWakeUp()).as("the first writer after the sleep wakes it").isTrue();
            assertThat(ring.claimWakeUp()).as("only one").isFalse();
            // A record already there: the reader does not sleep.
            assertThat(ring.prepareToSleep()).isFalse();
            assertThat(ring.claimWakeUp()).isFalse();
            assertThat(ring.poll((k, b, o, l) -> true, 10)).isEqualTo(1);
            assertThat(ring.hasRecord()).isFalse();
        }
    }

    @Test
    void shouldRefuseToOpenAFileThatIsNotARing() throws IOException {
        Path file = dir.resolve("not-a-ring");
        Files.write(file, new byte[100]);
        assertThatThrownBy(() -> ShmRing.open(file)).isInstanceOf(IOException.class);
    }
}
