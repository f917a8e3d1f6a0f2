package dev.spindle.samples.tour;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thread-safe. A program of the tour run as its user runs it: a JVM of its own on this test's
 * class path, its output (stdout with stderr) kept line by line. Closing it kills it and every
 * process it started (a cluster's workers), whatever happened before.
 */
final class RunningProgram implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;
    /** Every process it started that this test has seen: killed on close even if it outlived its parent. */
    private final List<ProcessHandle> children = new ArrayList<>();

    private RunningProgram(Process process) {
        this.process = process;
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.reader = Thread.ofPlatform().daemon().name("output of " + process.pid()).start(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** {@return {@code main} started with {@code properties} ({@code -Dname=value}) and no other flag} */
    static RunningProgram start(Class<?> main, String... properties) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(List.of(properties));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        return new RunningProgram(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** {@return the first line of output that matches, waiting for it up to {@code timeout}} */
    String awaitLine(Predicate<String> matching, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                for (String line : lines) {
                    if (matching.test(line)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                assertThat(left).as("a matching line within %s; the output so far:%n%s", timeout, String.join("\n", lines))
                        .isPositive();
                TimeUnit.NANOSECONDS.timedWait(lines, left);
            }
        }
    }

    /** {@return every line of output so far} */
    List<String> output() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** {@return the processes it has started and that still run, remembered for {@link #close}} */
    List<ProcessHandle> children() {
        List<ProcessHandle> now = process.descendants().toList();
        synchronized (children) {
            children.addAll(now);
        }
        return now;
    }

    /** {@return its exit code, after waiting up to {@code timeout} for it to end by itself, and for the end of its output} */
    int awaitExit(Duration timeout) throws InterruptedException {
        boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(exited).as("exited within %s; its output:%n%s%nits threads, virtual ones included:%n%s",
                timeout, String.join("\n", output()), exited ? "" : threadDump()).isTrue();
        assertThat(reader.join(Duration.ofSeconds(10))).as("its output ended").isTrue();
        return process.exitValue();
    }

    /**
     * {@return the program's threads, virtual ones included, as {@code jcmd Thread.dump_to_file}
     * writes them} For a program that did not end: where it waits or spins is the evidence.
     */
    private String threadDump() {
        try {
            Path dump = Files.createTempFile("spindle-thread-dump", ".txt");
            Files.delete(dump); // jcmd refuses to overwrite
            try {
                Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
                Process run = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.dump_to_file",
                        "-format=text", dump.toString()).redirectErrorStream(true).start();
                String said = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!run.waitFor(30, TimeUnit.SECONDS) || !Files.exists(dump)) {
                    return "(no thread dump: jcmd said " + said.strip() + ")";
                }
                return Files.readString(dump, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(dump);
            }
        } catch (IOException | InterruptedException e) {
            return "(no thread dump: " + e + ")";
        }
    }

    /** Sends SIGTERM, as a terminal's user or a supervisor would (Ctrl-C is SIGINT, handled alike). */
    void terminate() {
        process.toHandle().destroy(); // through the handle: Process.destroy() would close its output under the reader
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        children();
        List<ProcessHandle> all;
        synchronized (children) {
            all = Stream.concat(children.stream(), Stream.of(process.toHandle())).toList();
        }
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : all) {
            handle.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }
}
