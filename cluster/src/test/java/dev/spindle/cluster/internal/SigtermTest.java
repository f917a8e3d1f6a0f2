package dev.spindle.cluster.internal;

import dev.spindle.cluster.TestPrimary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM to a primary (a process of its own) stops its workers gracefully, then the primary. */
class SigtermTest {

    @Test
    @Timeout(120)
    void shouldStopTheWholeClusterOnSigterm() throws Exception {
        List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(Launch.jvmFlags(flags));
        command.addAll(List.of("-cp", Launch.classPath(flags), TestPrimary.class.getName()));
        Process primary = new ProcessBuilder(command).redirectErrorStream(true).start();
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
