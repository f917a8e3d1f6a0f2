package dev.spindle.cluster.internal;

import dev.spindle.cluster.TestPrimary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM to a primary (a process of its own) stops its workers gracefully, then the primary. */
class SigtermTest {

    /** {@return the command that runs {@link TestPrimary} with {@code args} in a JVM like this one} */
    private static List<String> testPrimary(String... args) {
        List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(Launch.jvmFlags(flags));
        command.addAll(List.of("-cp", Launch.classPath(flags), TestPrimary.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    @Timeout(60)
    void shouldRefuseToStartAndMakeNothingWhenTheJvmIsStopping() throws Exception {
        // As when Ctrl-C comes while main starts the primary: its hook, which removes the private
        // directory, cannot be added any more; so nothing may be made (it was: rings dir left behind).
        Process primary = new ProcessBuilder(testPrimary("as-the-jvm-stops")).redirectErrorStream(true).start();
        String output;
        try {
            output = new String(primary.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(primary.waitFor(30, TimeUnit.SECONDS)).as("the JVM exited within 30 s").isTrue();
        } finally {
            primary.destroyForcibly();
        }
        assertThat(output).as("what the primary said").contains("REFUSED: java.lang.IllegalStateException");
        for (Path home : List.of(Path.of("/dev/shm"), Path.of(System.getProperty("java.io.tmpdir")))) {
            if (Files.isDirectory(home)) {
                try (var dirs = Files.newDirectoryStream(home, PrimaryImpl.DIRECTORY_PREFIX + "*")) {
                    for (Path dir : dirs) {
                        Path pid = dir.resolve(PrimaryImpl.PID_FILE);
                        assertThat(Files.isReadable(pid) && Files.readString(pid).strip().equals(Long.toString(primary.pid())))
                                .as("%s was made by the refused primary", dir).isFalse();
                    }
                }
            }
        }
    }

    @Test
    @Timeout(120)
    void shouldStopTheWholeClusterOnSigterm() throws Exception {
        Process primary = new ProcessBuilder(testPrimary()).redirectErrorStream(true).start();
        List<ProcessHandle> workers = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(primary.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            while (line != null && !line.startsWith("READY")) {
                line = out.readLine();
            }
            assertThat(line).as("the primary's workers came online").isNotNull();
            for (String pid : Arrays.copyOfRange(line.split(" "), 1, 3)) {
                workers.add(ProcessHandle.of(Long.parseLong(pid)).orElseThrow());
            }
            // Keeps its output flowing until the end of the stream, which must come as an end, not
            // as the stream closed under the reader ("UncheckedIOException: Stream closed").
            AtomicReference<Throwable> readerFailed = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try {
                    out.lines().forEach(l -> { });
                } catch (RuntimeException e) {
                    readerFailed.set(e);
                }
            });

            // SIGTERM through the handle: Process.destroy() would also close the streams at once,
            // under the reader's feet.
            primary.toHandle().destroy();
            assertThat(primary.waitFor(30, TimeUnit.SECONDS)).as("the primary exited within 30 s").isTrue();
            assertThat(reader.join(Duration.ofSeconds(10))).as("its output ended").isTrue();
            assertThat(readerFailed.get()).as("how reading its output ended").isNull();
            for (ProcessHandle worker : workers) {
                // Disconnected by the primary's shutdown hook: each ended by itself, before the primary.
                assertThat(worker.isAlive()).as("worker %d is gone", worker.pid()).isFalse();
            }
        } finally {
            workers.forEach(ProcessHandle::destroyForcibly);
            primary.destroyForcibly();
        }
    }
}
