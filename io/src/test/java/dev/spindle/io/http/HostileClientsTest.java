package dev.spindle.io.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile-client suite: a real server in a JVM of its own with a 64 MiB heap
 * ({@link AttackedServer}), attacked the ways a remote client can try to exhaust it. Each attack
 * asserts that the server's memory stays bounded (heap after a collection, resident set), that
 * another client is served meanwhile within {@link #LATENCY_BOUND_MILLIS}, and that what the
 * attack held is let go, counted, by the limit or timeout that bounds it.
 */
class HostileClientsTest {

    static final int HEAP_MB = 64;
    /** Heap in use after a collection that the server may reach under any attack here. */
    static final long HEAP_BOUND = 40L << 20;
    /** Resident set the server process may reach: the JVM itself, the heap, the loop's buffers. */
    static final long RSS_BOUND = 400L << 20;
    /** The slowest answer another client may get while an attack runs (two shared cores, a loaded CI machine). */
    static final long LATENCY_BOUND_MILLIS = 2_000;
    static final long HEAD_MILLIS = 1_000;
    /** Long enough that the 2,000 stalled bodies are all held when memory is looked at. */
    static final long BODY_MILLIS = 3_000;
    static final long IDLE_MILLIS = 2_000;
    /** The TCP door's bound in the flood of door connections: well below the 1,024 files that server may open. */
    private static final int TCP_MAX_CONNECTIONS = 200;

    private final List<Socket> sockets = new ArrayList<>();
    private AttackedServer server;
    private Probe probe;

    @AfterEach
    void cleanUp() {
        if (probe != null) {
            probe.stop();
        }
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing what the attack opened, whatever state it is in.
            }
        }
        if (server != null) {
            server.close();
        }
    }

    private void start() throws IOException {
        server = new AttackedServer(HEAP_MB, 1 << 20, HEAD_MILLIS, BODY_MILLIS, IDLE_MILLIS);
        probe = new Probe(server);
    }

    @Test
    void shouldHoldMemoryForWhatHeadsSentNotWhatTheyDeclaredAndTimeOutTheirBodies() throws Exception {
        start();
        // 2,000 heads declaring a megabyte each, then a hundred bytes and silence: 2 GB declared.
        String head = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n" + "x".repeat(100);
        int count = affordable(2_000);
        for (int i = 0; i < count; i++) {
            open().getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        }
        awaitStats(s -> s.get("accepted") >= count + 1, count + " connections accepted");
        assertBoundedMemory();
        awaitStats(s -> s.get("timedOut") == count && s.get("open") <= 1, "every stalled body timed out (408) and closed");
        assertThat(answerOf(sockets.getFirst())).startsWith("HTTP/1.1 408 ");
        probe.assertServedWithinBound();
    }

    @Test
    void shouldTimeOutBodiesAndChunkedBodiesDrippedTooSlowly() throws Exception {
        start();
        List<Socket> dripping = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Socket socket = open();
            String head = i % 2 == 0 ? "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
                    : "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n186A0\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            dripping.add(socket);
        }
        AtomicBoolean dripOn = new AtomicBoolean(true);
        Thread dripper = Thread.ofVirtual().start(() -> {
            while (dripOn.get()) {
                for (Socket socket : dripping) {
                    try {
                        socket.getOutputStream().write('x');
                    } catch (IOException closedByTheServer) {
                        // Timed out: the end this test expects.
                    }
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // pacing the clients
            }
        });
        try {
            awaitStats(s -> s.get("timedOut") == 100 && s.get("open") <= 1, "every dripped body timed out (408) and closed");
        } finally {
            dripOn.set(false);
            dripper.join();
        }
        assertBoundedMemory();
        probe.assertServedWithinBound();
    }

    @Test
    void shouldCloseClientsThatPipelineAndNeverRead() throws Exception {
        start();
        byte[] pipeline = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n".repeat(64).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 200; i++) {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            sockets.add(socket);
            socket.connect(server.address, 5_000);
            socket.getOutputStream().write(pipeline); // 4 MiB of answers asked for, none ever read
        }
        awaitStats(s -> s.get("accepted") >= 201, "200 connections accepted");
        assertBoundedMemory();
        awaitStats(s -> s.get("unreadClosed") == 200 && s.get("open") <= 1, "every connection that does not read closed");
        probe.assertServedWithinBound();
    }

    @Test
    void shouldServeOthersThroughThousandsOfIdleConnectionsAndCloseThem() throws Exception {
        start();
        int count = affordable(3_000);
        int slowHeads = (count + 2) / 3;
        for (int i = 0; i < count; i++) {
            Socket socket = open();
            if (i % 3 == 0) {
                socket.getOutputStream().write("GET /hello HTTP/1.1\r\nHost:".getBytes(StandardCharsets.US_ASCII)); // and no more
            }
        }
        awaitStats(s -> s.get("accepted") >= count + 1, count + " connections accepted");
        assertBoundedMemory();
        awaitStats(s -> s.get("open") <= 1 && s.get("timedOut") == slowHeads && s.get("idleClosed") >= count - slowHeads,
                "the idle connections closed, the slow heads answered 408");
        probe.assertServedWithinBound();
    }

    @Test
    void shouldLetGoOfEveryConnectionInConnectAndResetLoops() throws Exception {
        start();
        byte[] partial = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 3_000; i++) {
            try (Socket socket = new Socket()) {
                socket.connect(server.address, 5_000);
                if (i % 2 == 0) {
                    socket.getOutputStream().write(partial);
                }
                socket.setSoLinger(true, 0); // close with a reset
            }
        }
        awaitStats(s -> s.get("accepted") >= 3_001 && s.get("open") <= 1, "every reset connection let go of");
        assertBoundedMemory();
        probe.assertServedWithinBound();
    }

    @Test
    void shouldServeOthersThroughAFloodOfSmallRequests() throws Exception {
        start();
        AtomicBoolean flooding = new AtomicBoolean(true);
        byte[] batch = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".repeat(32).getBytes(StandardCharsets.US_ASCII);
        List<Thread> flooders = new ArrayList<>();
        ConcurrentLinkedQueue<Long> answered = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < 4; i++) {
            Socket socket = open();
            flooders.add(Thread.ofVirtual().start(() -> {
                long count = 0;
                try {
                    OutputStream out = socket.getOutputStream();
                    InputStream in = socket.getInputStream();
                    byte[] sink = new byte[64 * 1024];
                    while (flooding.get()) {
                        out.write(batch);
                        // Read what came, roughly one batch's worth: a flood that also reads.
                        int want = 32 * 100;
                        for (int got = 0; got < want; ) {
                            int n = in.read(sink);
                            if (n < 0) {
                                return;
                            }
                            got += n;
                        }
                        count += 32;
                    }
                } catch (IOException e) {
                    // The flood ends with the test.
                } finally {
                    answered.add(count);
                }
            }));
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < until) {
            probe.awaitProbes(1);
        }
        flooding.set(false);
        for (Thread flooder : flooders) {
            flooder.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertThat(answered.stream().mapToLong(Long::longValue).sum()).as("flood requests answered").isGreaterThan(1_000);
        probe.assertServedWithinBound();
        assertBoundedMemory();
    }

    @Test
    @EnabledOnOs(OS.LINUX) // the server's open-file limit is set with the shell's ulimit and read from /proc
    void shouldServeHttpThroughAFloodOfConnectionsToATcpListenerPastItsLimit() throws Exception {
        // The process may open 1,024 files; the flood asks for 1,500 connections to its TCP door.
        // Without the door's bound the process runs out of descriptors and the HTTP server beside
        // it can accept nobody: the probe is never answered.
        server = new AttackedServer(HEAP_MB, 1 << 20, HEAD_MILLIS, BODY_MILLIS, IDLE_MILLIS, TCP_MAX_CONNECTIONS, 1_024);
        probe = new Probe(server);
        assertThat(server.stats().get("openFilesLimit")).as("the premise: the server's open-file limit").isEqualTo(1_024L);
        for (int i = 0; i < 1_500; i++) {
            Socket socket = new Socket();
            sockets.add(socket);
            try {
                socket.connect(server.tcpAddress, 5_000);
            } catch (SocketException resetAsItConnected) {
                // Refused: the reset came before connect returned.
            }
        }
        awaitStats(s -> s.get("tcpAccepted") == 1_500, "1,500 door connections accepted");
        Map<String, Long> stats = server.stats();
        assertThat(stats.get("tcpOpen")).as("door connections held; stats %s", stats).isEqualTo((long) TCP_MAX_CONNECTIONS);
        assertThat(stats.get("tcpRefused")).as("door connections reset").isEqualTo(1_500L - TCP_MAX_CONNECTIONS);
        Socket held = sockets.getFirst();
        held.setSoTimeout(10_000);
        held.getOutputStream().write(7);
        assertThat(held.getInputStream().read()).as("a held door connection still served").isEqualTo(7);
        assertBoundedMemory();
        probe.assertServedWithinBound();
    }

    @Test
    @EnabledOnOs(OS.LINUX) // the server's open-file limit is set with the shell's ulimit and read from /proc
    void shouldAcceptAgainOnceTheDescriptorsAFloodHeldAreLetGo() throws Exception {
        // A door with no bound lets 1,100 connections take every descriptor of a process that may
        // open 1,024: accepting fails (EMFILE) and is retried every 50 ms until the flood lets go.
        server = new AttackedServer(HEAP_MB, 1 << 20, HEAD_MILLIS, BODY_MILLIS, IDLE_MILLIS, Integer.MAX_VALUE, 1_024);
        // Out of descriptors, the server cannot load a class from its class directories: whatever
        // runs for the first time then fails. One echo first loads what a door connection runs.
        assertEchoedByTheDoor();
        for (int i = 0; i < 1_100; i++) {
            Socket socket = new Socket();
            sockets.add(socket);
            socket.connect(server.tcpAddress, 5_000);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.openFiles() < 1_024) {
            assertThat(System.nanoTime() - deadline).as("the server out of descriptors within 30 s, at %d",
                    server.openFiles()).isNegative();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling another process's descriptors
        }
        for (Socket socket : sockets) {
            socket.close();
        }
        awaitStats(s -> s.get("tcpAccepted") == 1_101 && s.get("tcpOpen") == 0,
                "the door took the rest of the flood once descriptors came back, and let every one go");
        assertEchoedByTheDoor();
        probe = new Probe(server);
        assertBoundedMemory();
        probe.assertServedWithinBound();
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** Asserts that a new connection to the server's TCP door is accepted and echoed. */
    private void assertEchoedByTheDoor() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server.tcpAddress, 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(7);
            assertThat(socket.getInputStream().read()).as("a new door connection served").isEqualTo(7);
        }
    }

    /**
     * {@return {@code wanted} connections, or fewer if this process may not open that many files}
     * Each connection costs a descriptor here and one in the server; the JVM raises its soft limit
     * to the hard one, 20,000 on the machines this runs on, so the full attack runs there.
     */
    private static int affordable(int wanted) throws IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                if (!soft.equals("unlimited") && Long.parseLong(soft) / 2 - 500 < wanted) {
                    int affordable = (int) Math.max(500, Long.parseLong(soft) / 2 - 500);
                    System.out.println("HostileClientsTest: " + affordable + " connections instead of " + wanted
                            + " (open files limited to " + soft + ")");
                    return affordable;
                }
            }
        }
        return wanted;
    }

    /** {@return a new connection to the server, closed after the test} */
    private Socket open() throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.connect(server.address, 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private void assertBoundedMemory() throws IOException {
        server.assertBoundedMemory(HEAP_BOUND, RSS_BOUND);
    }

    private void awaitStats(Predicate<Map<String, Long>> condition, String what) throws IOException {
        server.awaitStats(condition, what);
    }

    /** {@return the status line and what follows that the server sent on {@code socket} before closing it} */
    private static String answerOf(Socket socket) throws IOException {
        try {
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketException reset) {
            return "reset: " + reset.getMessage();
        }
    }

    /**
     * Another client, on its own virtual thread, asking for {@code /hello} on a new connection every
     * 50 ms while the attack runs; it keeps the slowest answer and any failure.
     */
    static final class Probe {
        private final AttackedServer server;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final Thread thread;
        private volatile long slowestMillis;
        private volatile int probes;

        Probe(AttackedServer server) {
            this.server = server;
            this.thread = Thread.ofVirtual().start(this::run);
        }

        private void run() {
            while (running.get()) {
                long start = System.nanoTime();
                try {
                    String body = server.get("/hello", (int) (LATENCY_BOUND_MILLIS * 5));
                    if (!body.equals("hello")) {
                        failures.add("answered " + body);
                    }
                } catch (IOException e) {
                    failures.add(e.toString());
                }
                slowestMillis = Math.max(slowestMillis, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                probes++;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // pacing the probe
            }
        }

        /** Waits until {@code count} more probes are done. */
        void awaitProbes(int count) {
            int target = probes + count;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (probes < target && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }

        void assertServedWithinBound() {
            awaitProbes(3);
            assertThat(failures).as("probe failures").isEmpty();
            assertThat(probes).as("probes answered").isGreaterThanOrEqualTo(3);
            assertThat(slowestMillis).as("slowest probe answer, ms").isLessThan(LATENCY_BOUND_MILLIS);
        }

        void stop() {
            running.set(false);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
