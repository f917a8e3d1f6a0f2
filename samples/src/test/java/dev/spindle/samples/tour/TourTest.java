package dev.spindle.samples.tour;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's tour programs, each run in a JVM of its own as a newcomer runs it, do what the README says. */
class TourTest {

    /** What a JVM ended by SIGTERM exits with (128 + 15). */
    private static final int SIGTERM_EXIT = 143;

    @Test
    @Timeout(60)
    void firstActorShouldPrintTheTotalItWasAskedFor() throws Exception {
        try (RunningProgram program = RunningProgram.start(FirstActor.class)) {
            assertThat(program.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(program.output()).containsExactly("total = 42");
        }
    }

    @Test
    @Timeout(60)
    void firstHttpServerShouldAnswerItsRouteToItsOwnClientAndToOthersUntilSigterm() throws Exception {
        try (RunningProgram program = RunningProgram.start(FirstHttpServer.class, "-Dport=0")) {
            String serving = program.awaitLine(line -> line.startsWith("serving: curl "), Duration.ofSeconds(30));
            int port = Integer.parseInt(serving.replaceAll(".*localhost:(\\d+)/hello/you$", "$1"));
            assertThat(program.awaitLine(line -> line.startsWith("the client "), Duration.ofSeconds(30)))
                    .isEqualTo("the client got 200: Hello, client");
            assertThat(get(port, "/hello/ann")).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nHello, ann\n");
            assertThat(get(port, "/bye")).startsWith("HTTP/1.1 404");

            program.terminate();
            assertThat(program.awaitExit(Duration.ofSeconds(30))).isEqualTo(SIGTERM_EXIT);
            assertThat(program.output()).as("no warning, no stack trace")
                    .noneMatch(line -> line.contains("WARNING") || line.contains("Exception"));
        }
    }

    @Test
    @Timeout(60)
    void firstJsonRouteShouldAnswerARecordAndSayWhereBadJsonIsWrong() throws Exception {
        try (RunningProgram program = RunningProgram.start(FirstJsonRoute.class, "-Dport=0")) {
            assertThat(program.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(program.output()).as("the two answers, in either order")
                    .filteredOn(line -> !line.startsWith("[")).containsExactlyInAnyOrder(
                    "200: hello ann hello ann",
                    "400: {\"error\":\"invalid JSON at line 1, column 26: Unexpected character ('}' (code 125)): "
                            + "expected a value\",\"line\":1,\"column\":26}");
        }
    }

    @Test
    @Timeout(120)
    void firstClusterShouldForkWorkersThatServeOnePortAndStopThemAllOnSigterm() throws Exception {
        int port = freePort();
        try (RunningProgram program = RunningProgram.start(FirstCluster.class, "-Dworkers=2", "-Dport=" + port)) {
            Set<String> answered = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (answered.size() < 2) {
                assertThat(System.nanoTime() - deadline).as("both workers answer within 60 s (so far %s); output:%n%s",
                        answered, String.join("\n", program.output())).isNegative();
                String answer = getOrNull(port, "/");
                if (answer != null) {
                    assertThat(answer).startsWith("HTTP/1.1 200");
                    answered.add(answer.substring(answer.indexOf("\r\n\r\n") + 4));
                }
            }
            assertThat(answered).containsExactlyInAnyOrder("hello from worker 1\n", "hello from worker 2\n");
            List<ProcessHandle> workers = program.children();
            assertThat(workers).as("the primary's child processes").hasSize(2);
            for (int id = 1; id <= 2; id++) {
                String worker = "Worker[" + id + "]";
                program.awaitLine(line -> line.startsWith("Listening[worker=" + worker), Duration.ofSeconds(30));
                program.awaitLine(line -> line.equals("Message[worker=" + worker + ", message=worker "
                        + worker.charAt(7) + " serves port " + port + "]"), Duration.ofSeconds(30));
            }

            program.terminate();
            assertThat(program.awaitExit(Duration.ofSeconds(60))).isEqualTo(SIGTERM_EXIT);
            for (ProcessHandle worker : workers) {
                assertThat(worker.isAlive()).as("worker process %d stopped before its primary", worker.pid()).isFalse();
            }
            assertThat(program.output()).as("each worker was told to stop and exited by itself")
                    .filteredOn(line -> line.startsWith("Exited[")).hasSize(2)
                    .allMatch(line -> line.endsWith("code=0, signal=null, restarting=false]"));
            assertThat(program.output()).as("no warning, no stack trace, from the primary or a worker")
                    .noneMatch(line -> line.contains("WARNING") || line.contains("Exception"));
        }
    }

    @Test
    @Timeout(120)
    void firstClusterShouldExitNonZeroOnceEveryWorkerIsGivenUp() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) { // no worker can listen: each crashes as it starts
            try (RunningProgram program = RunningProgram.start(FirstCluster.class, "-Dworkers=2",
                    "-Dport=" + taken.getLocalPort())) {
                assertThat(program.awaitExit(Duration.ofSeconds(90))).isEqualTo(1);
                assertThat(program.output()).contains("AllGaveUp[retryAfter=null]")
                        .anyMatch(line -> line.startsWith("Exception in thread \"main\" java.util.concurrent.CompletionException: "
                                + "java.lang.IllegalStateException: every worker was given up"));
            }
        }
    }

    @Test
    @Timeout(60)
    void firstMailboxShouldAccountForEveryMessage() throws Exception {
        try (RunningProgram program = RunningProgram.start(FirstMailbox.class)) {
            assertThat(program.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(program.output()).as("4 producers x 100,000 messages, each handed back while the mailbox was full")
                    .containsExactly("400000 delivered, 0 dead letters");
        }
    }

    /** {@return the whole answer to {@code GET path} on a new connection} */
    private static String get(int port, String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** {@return the answer, or null while nothing listens (refused) or a worker is going away (reset)} */
    private static String getOrNull(int port, String path) throws IOException {
        try {
            String answer = get(port, path);
            return answer.isEmpty() ? null : answer;
        } catch (java.net.SocketException e) {
            return null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
