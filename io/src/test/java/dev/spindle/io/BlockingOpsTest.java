package dev.spindle.io;

import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.actors.testkit.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Files, DNS and child processes: blocking work on virtual threads, completions as messages. */
class BlockingOpsTest {

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create(IoConfig.defaults().withLoops(1));

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        io.close();
        kit.close();
    }

    @Test
    void shouldWriteAppendAndReadAFile() {
        TestProbe<FileEvent> probe = kit.createProbe();
        Path file = dir.resolve("notes.txt");
        io.writeFile(file, "one\n".getBytes(StandardCharsets.UTF_8), false, probe.ref());
        assertThat(probe.expectMessageClass(FileEvent.Written.class).bytes()).isEqualTo(4);
        io.writeFile(file, "two\n".getBytes(StandardCharsets.UTF_8), true, probe.ref());
        probe.expectMessageClass(FileEvent.Written.class);
        io.readFile(file, probe.ref());
        assertThat(probe.expectMessageClass(FileEvent.Read.class).data()).asString(StandardCharsets.UTF_8)
                .isEqualTo("one\ntwo\n");
    }

    @Test
    void shouldReportAMissingFile() {
        TestProbe<FileEvent> probe = kit.createProbe();
        io.readFile(dir.resolve("absent"), probe.ref());
        assertThat(probe.expectMessageClass(FileEvent.Failed.class).cause()).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void shouldStreamAFileInChunksOnlyAsFastAsTheyAreAskedFor() throws Exception {
        byte[] content = new byte[100_000];
        new Random(7).nextBytes(content);
        Path file = dir.resolve("big.bin");
        Files.write(file, content);
        TestProbe<FileEvent> probe = kit.createProbe();
        FileStream stream = io.streamFile(file, 16 * 1024, probe.ref());
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        FileEvent.Chunk first = probe.expectMessageClass(FileEvent.Chunk.class);
        got.writeBytes(first.data());
        // One asked for, one sent: nothing more until we ask.
        probe.expectNoMessage(Duration.ofMillis(200));
        while (true) {
            stream.request(1);
            FileEvent event = probe.receiveMessage();
            if (event instanceof FileEvent.Chunk(FileStream s, long offset, byte[] data)) {
                assertThat(offset).isEqualTo(got.size());
                got.writeBytes(data);
            } else {
                assertThat(event).isInstanceOf(FileEvent.End.class);
                assertThat(((FileEvent.End) event).size()).isEqualTo(content.length);
                break;
            }
        }
        assertThat(got.toByteArray()).isEqualTo(content);
    }

    @Test
    void shouldResolveLocalhostAndFailOnANameThatCannotExist() {
        TestProbe<DnsEvent> probe = kit.createProbe();
        io.lookup("localhost", probe.ref());
        assertThat(probe.expectMessageClass(DnsEvent.Resolved.class).addresses())
                .anyMatch(InetAddress::isLoopbackAddress);
        io.lookup("no-such-host.invalid", probe.ref());
        assertThat(probe.expectMessageClass(DnsEvent.Failed.class).host()).isEqualTo("no-such-host.invalid");
    }

    @Test
    void shouldRunAProgramWithArgumentsEnvironmentAndDirectoryAndReportItsExit() {
        TestProbe<ProcessEvent> probe = kit.createProbe();
        io.spawn(ProcessSpec.of("sh", "-c", "echo \"$1 $GREETING\"; pwd; echo oops >&2; exit 3", "sh", "a;b $(no)")
                .withEnvironment(Map.of("GREETING", "hi")).withDirectory(dir), probe.ref());
        probe.expectMessageClass(ProcessEvent.Started.class);
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        ProcessEvent.Exited exited = collect(probe, out, err);
        // The argument went through as data, not code: no shell saw it but the one we asked for.
        assertThat(out.toString()).isEqualTo("a;b $(no) hi\n" + realPath(dir) + "\n");
        assertThat(err.toString()).isEqualTo("oops\n");
        assertThat(exited.code()).isEqualTo(3);
        assertThat(exited.signal()).isNull();
        assertThat(exited.timedOut()).isFalse();
    }

    @Test
    void shouldFeedStdinAndSeeTheEndOfIt() {
        TestProbe<ProcessEvent> probe = kit.createProbe();
        io.spawn(ProcessSpec.of("cat"), probe.ref());
        ChildProcess cat = probe.expectMessageClass(ProcessEvent.Started.class).process();
        assertThat(cat.write("line 1\n".getBytes(StandardCharsets.UTF_8))).isTrue();
        cat.write("line 2\n".getBytes(StandardCharsets.UTF_8));
        cat.closeStdin();
        assertThat(cat.write(new byte[1])).isFalse();
        StringBuilder out = new StringBuilder();
        ProcessEvent.Exited exited = collect(probe, out, new StringBuilder());
        assertThat(out.toString()).isEqualTo("line 1\nline 2\n");
        assertThat(exited.code()).isZero();
    }

    @Test
    void shouldBoundWhatWaitsForAChildThatDoesNotReadItsInput() {
        TestProbe<ProcessEvent> probe = kit.createProbe();
        io.spawn(ProcessSpec.of("sleep", "30"), probe.ref()); // reads nothing
        ChildProcess sleeper = probe.expectMessageClass(ProcessEvent.Started.class).process();
        try {
            byte[] block = new byte[16 * 1024];
            long queued = 0;
            boolean belowMark = true;
            try {
                while (queued < 64L << 20) {
                    belowMark &= sleeper.write(block);
                    queued += block.length;
                }
                throw new AssertionError("64 MiB queued for a child that reads nothing");
            } catch (WriteQueueFullException refused) {
                assertThat(refused).hasMessageContaining("not reading");
            }
            assertThat(belowMark).as("write said false at the high-water mark").isFalse();
            assertThat(queued).as("bytes accepted before the refusal").isLessThanOrEqualTo((4L << 20) + (1L << 20));
        } finally {
            sleeper.kill("KILL");
        }
        fish(probe, ProcessEvent.Exited.class);
    }

    @Test
    void shouldTellWhenTheChildsInputHasDrained() {
        TestProbe<ProcessEvent> probe = kit.createProbe();
        io.spawn(ProcessSpec.of("sh", "-c", "cat > /dev/null"), probe.ref());
        ChildProcess cat = probe.expectMessageClass(ProcessEvent.Started.class).process();
        byte[] block = new byte[16 * 1024];
        while (cat.write(block)) {
            // until the high-water mark
        }
        assertThat(fish(probe, ProcessEvent.StdinDrained.class).process()).isSameAs(cat);
        cat.closeStdin();
        assertThat(fish(probe, ProcessEvent.Exited.class).code()).isZero();
    }

    @Test
    void shouldStopReadingAChildsOutputWhilePausedAndGoOnWhenResumed() {
        TestProbe<ProcessEvent> probe = kit.createProbe();
        // Output without end once it has read a line: paused before it starts.
        io.spawn(ProcessSpec.of("sh", "-c", "read go; exec yes"), probe.ref());
        ChildProcess yes = probe.expectMessageClass(ProcessEvent.Started.class).process();
        try {
            yes.pauseOutput();
            yes.write("go\n".getBytes(StandardCharsets.US_ASCII));
            // What was read before the pause took effect, then nothing for half a second: the pipe
            // fills and yes waits. Unpaused, yes never goes quiet (it writes hundreds of MB/s).
            long told = 0;
            for (ProcessEvent event; (event = nextWithin(probe, Duration.ofMillis(500))) != null; ) {
                told += ((ProcessEvent.Stdout) event).data().length;
                assertThat(told).as("bytes told since the start; output never stopped").isLessThan(256L << 20);
            }
            yes.resumeOutput();
            assertThat(probe.expectMessageClass(ProcessEvent.Stdout.class).data()).startsWith('y', '\n');
        } finally {
            yes.kill("KILL");
        }
        fish(probe, ProcessEvent.Exited.class);
    }

    @Test
    void shouldKillWithASignalAndTimeOut() {
        TestProbe<ProcessEvent> probe = kit.createProbe();
        io.spawn(ProcessSpec.of("sleep", "30"), probe.ref());
        ChildProcess sleeper = probe.expectMessageClass(ProcessEvent.Started.class).process();
        sleeper.kill("INT");
        ProcessEvent.Exited interrupted = probe.expectMessageClass(ProcessEvent.Exited.class);
        assertThat(interrupted.signal()).isEqualTo("INT");

        io.spawn(ProcessSpec.of("sleep", "30").withTimeout(Duration.ofMillis(200)), probe.ref());
        probe.expectMessageClass(ProcessEvent.Started.class);
        ProcessEvent.Exited timedOut = probe.expectMessageClass(ProcessEvent.Exited.class);
        assertThat(timedOut.timedOut()).isTrue();
        assertThat(timedOut.signal()).isEqualTo("TERM");
    }

    @Test
    void shouldReportAProgramThatDoesNotExist() {
        TestProbe<ProcessEvent> probe = kit.createProbe();
        io.spawn(ProcessSpec.of("/no/such/program"), probe.ref());
        assertThat(probe.expectMessageClass(ProcessEvent.SpawnFailed.class).spec().command())
                .containsExactly("/no/such/program");
    }

    /** {@return the next message of {@code type}, skipping others (output chunks, say)} */
    private static <T extends ProcessEvent> T fish(TestProbe<ProcessEvent> probe, Class<T> type) {
        for (;;) {
            ProcessEvent event = probe.receiveMessage();
            if (type.isInstance(event)) {
                return type.cast(event);
            }
        }
    }

    /** {@return the next message if one comes within {@code max}, else null} */
    private static ProcessEvent nextWithin(TestProbe<ProcessEvent> probe, Duration max) {
        try {
            return probe.receiveMessage(max);
        } catch (AssertionError none) {
            return null;
        }
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ProcessEvent.Exited collect(TestProbe<ProcessEvent> probe, StringBuilder out, StringBuilder err) {
        while (true) {
            switch (probe.receiveMessage()) {
                case ProcessEvent.Stdout(ChildProcess p, byte[] data) -> out.append(new String(data, StandardCharsets.UTF_8));
                case ProcessEvent.Stderr(ChildProcess p, byte[] data) -> err.append(new String(data, StandardCharsets.UTF_8));
                case ProcessEvent.Exited exited -> {
                    return exited;
                }
                case ProcessEvent other -> throw new AssertionError("unexpected " + other);
            }
        }
    }
}
