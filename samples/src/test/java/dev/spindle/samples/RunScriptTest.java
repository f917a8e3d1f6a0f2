package dev.spindle.samples;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's launcher, {@code ./run}, as a user runs it: each sample started through it, stopped
 * the ways a user stops it (Ctrl-C is SIGINT to the pid it prints, since the workers have sessions
 * of their own; {@code kill} is SIGTERM; a background job ignores SIGINT), must end cleanly: the
 * exit status a shell expects, no stack trace, every process it started gone, and, for the
 * cluster samples, its private directory of rings gone from {@code /dev/shm}.
 *
 * <p>The build that runs this test has just written {@code samples/target/launch/}, so
 * {@code ./run} finds it up to date; {@code SPINDLE_RUN_BUILD=never} makes it fail rather than
 * start a Maven build of its own if it did not.
 */
@EnabledOnOs(OS.LINUX) // the cluster, and env --default-signal / --ignore-signal (GNU coreutils 8.31+)
class RunScriptTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Pattern FORKED = Pattern.compile("worker \\d+ forked \\(pid (\\d+)\\)");

    /** Everything a test started, killed after it whatever happened. */
    private final List<Run> runs = new ArrayList<>();

    @AfterEach
    void killWhatIsLeft() throws IOException {
        for (Run run : runs) {
            run.killEverything();
        }
    }

    @Test
    @Timeout(180)
    void chatShouldStopEveryWorkerAndLeaveNoRingsOnCtrlC() throws Exception {
        int port = freePort();
        int tcpPort = freePort();
        Run chat = start(Signals.DEFAULT, "-Dworkers=2", "-Dport=" + port, "-DtcpPort=" + tcpPort);
        chat.awaitLines(2, "worker \\d listening on \\S+:" + port + "$");
        Set<ProcessHandle> workers = chat.children(2);
        Path rings = chat.ringsDirectory();

        chat.signal("INT");

        assertThat(chat.exitStatus()).as("exit status after SIGINT%s", chat).isEqualTo(130);
        chat.assertStoppedCleanly("dev.spindle.samples.chat.SpindleChat", workers);
        // (the Hub's log of each exit may not come: the system closes with it still in the Hub's mailbox)
        assertThat(chat.output()).as("the workers were stopped gracefully, none killed").doesNotContain("did not exit in time");
        assertThat(rings).as("the cluster's rings and socket").doesNotExist();
    }

    @Test
    @Timeout(180)
    void clusterHelloAsABackgroundJobShouldIgnoreSigintAndStopOnSigterm() throws Exception {
        int port = freePort();
        Run cluster = start(Signals.SIGINT_IGNORED, "ClusterHello", "-Dworkers=2", "-Dport=" + port);
        cluster.awaitLines(2, "worker \\d listening on \\S+:" + port + "$");
        Set<ProcessHandle> workers = cluster.children(2);
        Path rings = cluster.ringsDirectory();
        // What a shell does to a background job: the kernel discards SIGINT, so it cannot stop it.
        assertThat(cluster.ignoresSigint()).as("the JVM ignores SIGINT, as the shell set it up").isTrue();

        cluster.signal("INT");
        assertThat(httpGet(port)).as("still serving after SIGINT").startsWith("hello from worker ");
        cluster.signal("TERM");

        assertThat(cluster.exitStatus()).as("exit status after SIGTERM%s", cluster).isEqualTo(143);
        cluster.assertStoppedCleanly("dev.spindle.samples.ClusterHello", workers);
        assertThat(cluster.output()).as("the workers were stopped gracefully, none killed").doesNotContain("did not exit in time");
        assertThat(rings).as("the cluster's rings and socket").doesNotExist();
    }

    @ParameterizedTest(name = "{0} stopped with SIG{1}")
    @CsvSource({
            "HttpHello, TERM, 143, listening on http://localhost:",
            "TcpEcho,   INT,  130, echo server on port",
            "TcpChat,   TERM, 143, chat room on port",
    })
    @Timeout(120)
    void serverShouldStopCleanlyOnASignal(String sample, String signal, int status, String ready) throws Exception {
        Run server = start(Signals.DEFAULT, sample, "-Dport=" + freePort());
        server.awaitLines(1, Pattern.quote(ready));
        Set<ProcessHandle> children = server.children(0);

        server.signal(signal);

        assertThat(server.exitStatus()).as("exit status after SIG%s%s", signal, server).isEqualTo(status);
        server.assertStoppedCleanly("dev.spindle.samples." + sample, children);
    }

    @Test
    @Timeout(120)
    void sampleThatFinishesShouldExitZero() throws Exception {
        Run pingPong = start(Signals.DEFAULT, "PingPong");

        assertThat(pingPong.exitStatus()).as("exit status%s", pingPong).isZero();
        pingPong.assertStoppedCleanly("dev.spindle.samples.PingPong", Set.of());
        assertThat(pingPong.output()).contains("ping hit 500000 balls, pong hit 500001", "dead letters: 0");
    }

    @Test
    @Timeout(60)
    void unknownSampleShouldBeToldWithTheListOfSamples() throws Exception {
        Run unknown = start(Signals.DEFAULT, "NoSuchSample");

        assertThat(unknown.exitStatus()).as("exit status%s", unknown).isEqualTo(2);
        assertThat(unknown.output()).contains("./run: no sample NoSuchSample", "  HttpHello", "  ClusterHello",
                "SpindleChat (the default)");
    }

    /** How the shell that starts {@code ./run} leaves SIGINT. */
    private enum Signals {
        /** A foreground command: Ctrl-C (SIGINT) stops it. */
        DEFAULT("--default-signal=INT"),
        /** A background job of a non-interactive shell ({@code ./run &}): SIGINT ignored. */
        SIGINT_IGNORED("--ignore-signal=INT");

        final String envFlag;

        Signals(String envFlag) {
            this.envFlag = envFlag;
        }
    }

    private Run start(Signals signals, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("env", signals.envFlag, ROOT.resolve("run").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().put("SPINDLE_RUN_BUILD", "never");
        Run run = new Run(builder.start());
        runs.add(run);
        return run;
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    private static String httpGet(int port) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout((int) DEADLINE.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    /** One {@code ./run}: its process (the sample's JVM, once it execs), its output, what it started. */
    private static final class Run {

        private final Process process;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final StringBuilder output = new StringBuilder();
        private boolean ended;
        /** Every process it was seen to start: killed at the end if still alive. */
        private final Set<ProcessHandle> started = new HashSet<>();
        private Path rings;

        Run(Process process) {
            this.process = process;
            Thread.ofPlatform().daemon().name("run-output-" + process.pid()).start(this::read);
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    append(line + "\n");
                }
            } catch (IOException | UncheckedIOException e) {
                append("(reading the output failed: " + e + ")\n");
            } finally {
                lock.lock();
                try {
                    ended = true;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }

        private void append(String text) {
            lock.lock();
            try {
                output.append(text);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        String output() {
            lock.lock();
            try {
                return output.toString();
            } finally {
                lock.unlock();
            }
        }

        /** Waits until the output has {@code count} distinct lines that contain {@code regex}. */
        void awaitLines(int count, String regex) throws InterruptedException {
            Pattern pattern = Pattern.compile(regex);
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            lock.lock();
            try {
                while (output.toString().lines().filter(pattern.asPredicate()).distinct().count() < count) {
                    assertThat(ended).as("./run ended before %d lines like '%s'%s", count, regex, this).isFalse();
                    long left = deadline - System.nanoTime();
                    assertThat(left).as("%d lines like '%s' within %s%s", count, regex, DEADLINE, this).isPositive();
                    changed.awaitNanos(left);
                }
            } finally {
                lock.unlock();
            }
            rememberWhatItStarted();
        }

        /** {@return the sample's child processes now, {@code count} of them} */
        Set<ProcessHandle> children(int count) {
            rememberWhatItStarted();
            Set<ProcessHandle> children = new HashSet<>(process.toHandle().children().toList());
            assertThat(children).as("the sample's child processes%s", this).hasSize(count);
            return children;
        }

        private void rememberWhatItStarted() {
            lock.lock();
            try {
                started.add(process.toHandle());
                process.toHandle().descendants().forEach(started::add);
                Matcher forked = FORKED.matcher(output);
                while (forked.find()) {
                    ProcessHandle.of(Long.parseLong(forked.group(1))).ifPresent(started::add);
                }
            } finally {
                lock.unlock();
            }
        }

        /** {@return the cluster's private directory (rings, socket), which holds the primary's pid} */
        Path ringsDirectory() throws IOException {
            String pid = Long.toString(process.pid());
            for (Path home : List.of(Path.of("/dev/shm"), Path.of(System.getProperty("java.io.tmpdir")))) {
                if (!Files.isDirectory(home)) {
                    continue;
                }
                try (Stream<Path> dirs = Files.list(home)) {
                    Optional<Path> ours = dirs.filter(d -> d.getFileName().toString().startsWith("spindle-cluster-"))
                            .filter(isPrimaryPid(pid)).findFirst();
                    if (ours.isPresent()) {
                        rings = ours.get();
                        return rings;
                    }
                }
            }
            throw new AssertionError("no spindle-cluster-* directory of pid " + pid + " in /dev/shm or java.io.tmpdir" + this);
        }

        private static Predicate<Path> isPrimaryPid(String pid) {
            return dir -> {
                try {
                    return Files.readString(dir.resolve("primary.pid")).strip().equals(pid);
                } catch (IOException e) {
                    return false; // another's, or going
                }
            };
        }

        /** {@return whether the JVM ignores SIGINT (bit 2 of SigIgn in /proc/PID/status)} */
        boolean ignoresSigint() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseLong(line.substring("SigIgn:".length()).strip(), 16) & (1L << (2 - 1))) != 0;
                }
            }
            throw new AssertionError("no SigIgn in /proc/" + process.pid() + "/status");
        }

        /** Sends {@code signal} to the pid {@code ./run} printed, as a user's {@code kill -SIG pid}. */
        void signal(String signal) throws Exception {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).redirectErrorStream(true).start();
            assertThat(kill.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("kill returned").isTrue();
            assertThat(kill.exitValue()).as("kill -%s %d: %s", signal, process.pid(), new String(kill.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8)).isZero();
        }

        int exitStatus() throws InterruptedException {
            assertThat(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("./run exited within %s%s", DEADLINE, this).isTrue();
            lock.lock();
            try {
                long deadline = System.nanoTime() + DEADLINE.toNanos();
                while (!ended) {
                    long left = deadline - System.nanoTime();
                    assertThat(left).as("its output ended").isPositive();
                    changed.awaitNanos(left);
                }
            } finally {
                lock.unlock();
            }
            return process.exitValue();
        }

        /**
         * The pid it printed was the JVM's, nothing was printed that a clean stop does not print, and
         * neither it nor any of {@code children} is left.
         */
        void assertStoppedCleanly(String mainClass, Set<ProcessHandle> children) throws InterruptedException {
            String out = output();
            assertThat(out).as("what ./run printed first").startsWith("./run: " + mainClass + " as pid " + process.pid() + " ");
            assertThat(out).as("a clean stop").doesNotContain("\tat ", "Exception in thread", "BUILD FAILURE", " ERROR ",
                    "./run: the samples are out of date");
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            for (ProcessHandle child : children) {
                // the primary waits for its workers before it exits: each is gone by now, or at once
                try {
                    child.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    // judged below
                }
                assertThat(child.isAlive()).as("process %d is gone%s", child.pid(), this).isFalse();
            }
            assertThat(process.toHandle().isAlive()).isFalse();
        }

        void killEverything() throws IOException {
            rememberWhatItStarted();
            started.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            if (rings != null && Files.isDirectory(rings)) { // a primary killed with SIGKILL leaves it
                try (Stream<Path> files = Files.list(rings)) {
                    for (Path file : files.toList()) {
                        Files.deleteIfExists(file);
                    }
                }
                Files.deleteIfExists(rings);
            }
        }

        @Override
        public String toString() {
            return "\n--- ./run's output ---\n" + output() + "---";
        }
    }
}
