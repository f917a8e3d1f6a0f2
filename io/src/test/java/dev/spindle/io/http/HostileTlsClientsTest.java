package dev.spindle.io.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static dev.spindle.io.http.HostileClientsTest.BODY_MILLIS;
import static dev.spindle.io.http.HostileClientsTest.HEAD_MILLIS;
import static dev.spindle.io.http.HostileClientsTest.HEAP_BOUND;
import static dev.spindle.io.http.HostileClientsTest.HEAP_MB;
import static dev.spindle.io.http.HostileClientsTest.RSS_BOUND;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile-client suite over TLS: the same server in a JVM of its own with a 64 MiB heap
 * ({@link AttackedServer}), serving HTTPS with a 1 s handshake timeout, attacked the ways a client
 * can try to exhaust a TLS server: handshakes that stall or drip, garbage records, floods of full
 * handshakes and of replayed ClientHellos (the server's work, none of the client's), plaintext
 * clients on the HTTPS port. Each asserts that the server's memory stays bounded, that another
 * HTTPS client (the probe, a new connection and handshake every 50 ms) is served meanwhile within
 * {@link HostileClientsTest#LATENCY_BOUND_MILLIS}, and that each attacking connection is closed
 * and counted ({@code TlsStats}).
 */
class HostileTlsClientsTest {

    /**
     * Short, so that stalled handshakes end within the test; no shorter than the probe's latency
     * bound, so that a handshake slowed by a loaded machine fails the bound, not the timeout.
     */
    private static final long HANDSHAKE_MILLIS = HostileClientsTest.LATENCY_BOUND_MILLIS;
    /**
     * Longer than the handshake timeout: the HTTP server's idle sweep also closes a connection
     * still in its handshake (counted as idle, not as a TLS timeout), so it must come second.
     */
    private static final long IDLE_MILLIS = 2 * HANDSHAKE_MILLIS;

    @TempDir
    static Path dir;
    private static Path keyStore;

    private final List<Socket> sockets = new ArrayList<>();
    private AttackedServer server;
    private HostileClientsTest.Probe probe;

    @BeforeAll
    static void makeKeyStore() throws Exception {
        keyStore = AttackedServer.Tls.keyStore(dir);
    }

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
        server = new AttackedServer(HEAP_MB, 1 << 20, HEAD_MILLIS, BODY_MILLIS, IDLE_MILLIS,
                new AttackedServer.Tls(keyStore, HANDSHAKE_MILLIS));
        probe = new HostileClientsTest.Probe(server);
    }

    @Test
    void shouldCloseAndCountHandshakesThatStallOrDripAtTheHandshakeTimeout() throws Exception {
        start();
        byte[] hello = clientHello();
        // 400 send half a ClientHello and stall; 50 send it a byte every 100 ms (40 s for the whole
        // hello): each makes progress, none may hold the server past the handshake timeout.
        int stalled = 400;
        int dripped = 50;
        for (int i = 0; i < stalled; i++) {
            raw().getOutputStream().write(hello, 0, hello.length / 2);
        }
        List<Socket> dripping = new ArrayList<>();
        for (int i = 0; i < dripped; i++) {
            dripping.add(raw());
        }
        AtomicBoolean dripOn = new AtomicBoolean(true);
        Thread dripper = Thread.ofVirtual().start(() -> {
            for (int at = 0; dripOn.get() && at < hello.length; at++) {
                for (Socket socket : dripping) {
                    try {
                        socket.getOutputStream().write(hello[at]);
                    } catch (IOException closedByTheServer) {
                        // Timed out: the end this test expects.
                    }
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // pacing the clients
            }
        });
        try {
            server.awaitStats(s -> s.get("accepted") >= stalled + dripped, "every slow handshake accepted");
            server.assertBoundedMemory(HEAP_BOUND, RSS_BOUND);
            server.awaitStats(s -> s.get("tlsTimedOut") == stalled + dripped && s.get("open") <= 1,
                    "every slow handshake timed out and closed");
        } finally {
            dripOn.set(false);
            dripper.join();
        }
        assertClosedByTheServer(sockets.getFirst());
        assertClosedByTheServer(dripping.getFirst());
        Map<String, Long> stats = server.stats();
        assertThat(stats.get("tlsFailed")).as("timed out handshakes are failed ones; stats %s", stats)
                .isEqualTo(stalled + dripped);
        assertThat(stats.get("timedOut")).as("no HTTP request began, so none timed out").isZero();
        server.assertBoundedMemory(HEAP_BOUND, RSS_BOUND);
        probe.assertServedWithinBound();
    }

    /**
     * Garbage where the handshake belongs is a failed handshake, counted. Garbage after a finished
     * handshake (a record whose authentication tag cannot match) closes the connection too, but
     * {@code TlsStats} has no count for it: the closes are asserted, the count is not (see the
     * report of issue 18's hostile suite).
     */
    @Test
    void shouldCloseAndCountConnectionsThatSendGarbageRecords() throws Exception {
        start();
        Random random = new Random(18);
        int each = 100;
        for (int i = 0; i < each; i++) {
            // A whole ClientHello message of random bytes: type 1, its length, then noise.
            byte[] body = new byte[300];
            random.nextBytes(body);
            body[0] = 1;
            body[1] = 0;
            body[2] = (byte) ((body.length - 4) >>> 8);
            body[3] = (byte) (body.length - 4);
            raw().getOutputStream().write(record(22, body));
        }
        for (int i = 0; i < each; i++) {
            // A handshake record longer than TLS allows (2^14 + 2,048), and bytes to fill it.
            Socket socket = raw();
            socket.getOutputStream().write(new byte[] {22, 3, 3, (byte) 0xFF, (byte) 0xFF});
            socket.getOutputStream().write(new byte[4096]);
        }
        byte[] realHello = clientHello();
        for (int i = 0; i < each; i++) {
            // A ClientHello whose first bytes are right and the rest noise.
            byte[] hello = realHello.clone();
            byte[] noise = new byte[hello.length - 9];
            random.nextBytes(noise);
            System.arraycopy(noise, 0, hello, 9, noise.length);
            raw().getOutputStream().write(hello);
        }
        int afterHandshake = 50;
        List<Socket> secured = new ArrayList<>();
        for (int i = 0; i < afterHandshake; i++) {
            // A full handshake, then an application data record of noise on the socket beneath.
            Socket wire = raw();
            secured.add(server.handshake(wire, server.newClientContext()));
            byte[] noise = new byte[200];
            random.nextBytes(noise);
            wire.getOutputStream().write(record(23, noise));
        }
        server.awaitStats(s -> s.get("tlsFailed") == 3 * each && s.get("tlsBadRecords") == afterHandshake && s.get("open") <= 1,
                "every garbage handshake failed, counted, and every garbage record closed its connection, counted");
        for (int i = 0; i < 3; i++) {
            assertClosedByTheServer(sockets.get(i * each));
        }
        for (Socket secure : secured.subList(0, 3)) {
            assertClosedByTheServer(secure);
        }
        Map<String, Long> stats = server.stats();
        assertThat(stats.get("tlsOversized") + stats.get("tlsTimedOut") + stats.get("tlsPlaintextRefused"))
                .as("refused for what they sent, not timed out; stats %s", stats).isZero();
        assertThat(stats.get("tlsHandshakes")).as("the handshakes before the garbage records").isGreaterThanOrEqualTo(afterHandshake);
        assertThat(stats.get("requests")).as("no garbage record reached a route: requests are the probe's and the stats'")
                .isLessThanOrEqualTo(stats.get("tlsHandshakes") - afterHandshake);
        server.assertBoundedMemory(HEAP_BOUND, RSS_BOUND);
        probe.assertServedWithinBound();
    }

    @Test
    void shouldServeOthersThroughAFloodOfFullHandshakes() throws Exception {
        start();
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicLong served = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> flooders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            flooders.add(Thread.ofPlatform().name("handshake flooder " + i).start(() -> {
                while (flooding.get()) {
                    try {
                        // A context of its own for each connection: nothing to resume, a full handshake each time.
                        SSLContext fresh = server.newClientContext();
                        try (Socket socket = server.connect(fresh, 10_000)) {
                            socket.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                            if (answer.startsWith("HTTP/1.1 200 ") && answer.endsWith("hello")) {
                                served.incrementAndGet();
                            } else {
                                failures.add("answered: " + answer);
                            }
                        }
                    } catch (IOException | GeneralSecurityException e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        try {
            while (System.nanoTime() < until) {
                probe.awaitProbes(1);
            }
        } finally {
            flooding.set(false);
            for (Thread flooder : flooders) {
                flooder.join(TimeUnit.SECONDS.toMillis(20));
            }
        }
        System.out.println("HostileTlsClientsTest: " + served.get() + " full handshakes and requests in 3 s from 4 clients");
        assertThat(failures).as("flood connections that failed").isEmpty();
        assertThat(served.get()).as("flood handshakes served").isGreaterThan(50);
        long flood = served.get();
        server.awaitStats(s -> s.get("tlsHandshakes") >= flood && s.get("open") <= 1, "every flood handshake counted and closed");
        assertThat(server.stats().get("tlsFailed")).as("failed handshakes").isZero();
        probe.assertServedWithinBound();
        server.assertBoundedMemory(HEAP_BOUND, RSS_BOUND);
    }

    @Test
    void shouldServeOthersThroughAFloodOfReplayedClientHellos() throws Exception {
        // The cheapest attack on a TLS server: one ClientHello recorded once and sent again on
        // connection after connection. The client computes nothing; the server makes a key share,
        // derives the secrets and signs for each (about 0.7 ms of CPU on an idle machine). Each of
        // 16 attackers waits for the server's answer, then sends a record of noise where its
        // Finished belongs: the server must fail that handshake, count it and close.
        start();
        byte[] hello = clientHello();
        byte[] noise = new byte[64];
        new Random(18).nextBytes(noise);
        byte[] fakeFinished = record(23, noise);
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicLong replayed = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> flooders = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            flooders.add(Thread.ofVirtual().start(() -> {
                byte[] sink = new byte[16 * 1024];
                while (flooding.get()) {
                    try (Socket socket = new Socket()) {
                        socket.connect(server.address, 10_000);
                        socket.setSoTimeout(10_000);
                        socket.getOutputStream().write(hello);
                        if (socket.getInputStream().read(sink) <= 0) {
                            failures.add("no ServerHello");
                            continue;
                        }
                        socket.getOutputStream().write(fakeFinished);
                        answerOf(socket); // the alert and the end, or a reset: closed either way (else it times out)
                        replayed.incrementAndGet();
                    } catch (IOException e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        try {
            while (System.nanoTime() < until) {
                probe.awaitProbes(1);
            }
        } finally {
            flooding.set(false);
            for (Thread flooder : flooders) {
                flooder.join(TimeUnit.SECONDS.toMillis(20));
            }
        }
        System.out.println("HostileTlsClientsTest: " + replayed.get() + " replayed ClientHellos answered and failed in 3 s"
                + " from 16 connections at a time");
        assertThat(failures).as("replaying connections the server did not answer and close").isEmpty();
        assertThat(replayed.get()).as("replayed handshakes").isGreaterThan(100);
        long count = replayed.get();
        server.awaitStats(s -> s.get("tlsFailed") == count && s.get("open") <= 1,
                "every replayed handshake failed, counted, and closed");
        assertThat(server.stats().get("tlsTimedOut")).as("handshakes timed out").isZero();
        probe.assertServedWithinBound();
        server.assertBoundedMemory(HEAP_BOUND, RSS_BOUND);
    }

    @Test
    void shouldAnswerAndCountAFloodOfPlaintextClientsOnTheHttpsPort() throws Exception {
        start();
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicLong told = new AtomicLong();
        AtomicLong binary = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        byte[] request = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] junk = new byte[64]; // zeros: neither TLS nor text
        List<Thread> flooders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            boolean speaksHttp = i % 2 == 0;
            flooders.add(Thread.ofVirtual().start(() -> {
                while (flooding.get()) {
                    try (Socket socket = new Socket()) {
                        socket.connect(server.address, 10_000);
                        socket.setSoTimeout(10_000);
                        socket.getOutputStream().write(speaksHttp ? request : junk);
                        String answer = answerOf(socket);
                        if (speaksHttp && answer.startsWith("HTTP/1.1 400 ") && answer.endsWith("use https:// URLs\n")) {
                            told.incrementAndGet();
                        } else if (!speaksHttp && (answer.isEmpty() || answer.startsWith("reset"))) {
                            binary.incrementAndGet();
                        } else {
                            failures.add((speaksHttp ? "plaintext HTTP" : "junk") + " answered: " + answer);
                        }
                    } catch (IOException e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        try {
            while (System.nanoTime() < until) {
                probe.awaitProbes(1);
            }
        } finally {
            flooding.set(false);
            for (Thread flooder : flooders) {
                flooder.join(TimeUnit.SECONDS.toMillis(20));
            }
        }
        System.out.println("HostileTlsClientsTest: " + told.get() + " plaintext HTTP clients told to use https, "
                + binary.get() + " junk clients closed, in 3 s");
        assertThat(failures).as("plaintext clients not answered as they should be").isEmpty();
        assertThat(told.get()).as("plaintext HTTP clients answered 400").isGreaterThan(100);
        assertThat(binary.get()).as("junk clients closed").isGreaterThan(100);
        long total = told.get() + binary.get();
        server.awaitStats(s -> s.get("tlsPlaintextRefused") == total && s.get("open") <= 1,
                "every plaintext client counted and closed");
        assertThat(server.stats().get("requests")).as("no plaintext request reached a route")
                .isLessThanOrEqualTo(server.stats().get("tlsHandshakes"));
        probe.assertServedWithinBound();
        server.assertBoundedMemory(HEAP_BOUND, RSS_BOUND);
    }

    /**
     * Regression (found by this suite, fixed in io): a connection whose peer closes (FIN or reset)
     * during the TLS handshake was counted nowhere, so {@code TlsStats} could not account for every
     * accepted connection, and a flood of abandoned handshakes (replayed ClientHellos closed as soon
     * as the server has signed) left no trace. Now each is {@code TlsFailure.ABANDONED}; here every
     * accepted connection must end as a finished handshake or a counted failure.
     */
    @Test
    void shouldCountHandshakesThatThePeerAbandons() throws Exception {
        start();
        byte[] hello = clientHello();
        int each = 50;
        for (int i = 0; i < each; i++) {
            try (Socket socket = raw()) {
                socket.getOutputStream().write(hello, 0, hello.length / 2); // half a ClientHello, then FIN
            }
        }
        for (int i = 0; i < each; i++) {
            try (Socket socket = raw()) {
                socket.getOutputStream().write(hello, 0, hello.length / 2);
                socket.setSoLinger(true, 0); // half a ClientHello, then a reset
            }
        }
        for (int i = 0; i < each; i++) {
            try (Socket socket = raw()) {
                socket.getOutputStream().write(hello);
                socket.getInputStream().read(new byte[16 * 1024]); // the server's answer: it has signed; then FIN
            }
        }
        server.awaitStats(s -> s.get("accepted") >= 3 * each && s.get("open") <= 1, "every abandoned handshake closed");
        probe.assertServedWithinBound();
        probe.stop();
        probe = null;
        Map<String, Long> stats = server.stats(); // its own connection: handshaken, open
        assertThat(stats.get("tlsHandshakes") + stats.get("tlsFailed"))
                .as("accepted connections that ended as a finished or a counted failed handshake; stats %s", stats)
                .isEqualTo(stats.get("accepted"));
        server.assertBoundedMemory(HEAP_BOUND, RSS_BOUND);
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** {@return a new plain TCP connection to the HTTPS port, closed after the test} */
    private Socket raw() throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.connect(server.address, 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** {@return a TLS record: content type, version TLS 1.2, length, {@code body}} */
    private static byte[] record(int contentType, byte[] body) {
        byte[] record = new byte[5 + body.length];
        record[0] = (byte) contentType;
        record[1] = 3;
        record[2] = 3;
        record[3] = (byte) (body.length >>> 8);
        record[4] = (byte) body.length;
        System.arraycopy(body, 0, record, 5, body.length);
        return record;
    }

    /** {@return a real ClientHello record, as the JDK's client sends it first to this server} */
    private byte[] clientHello() throws GeneralSecurityException, IOException {
        SSLEngine engine = server.newClientContext().createSSLEngine("localhost", server.address.getPort());
        engine.setUseClientMode(true);
        engine.beginHandshake();
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        assertThat(hello[0]).as("a handshake record").isEqualTo((byte) 22);
        return hello;
    }

    /** Asserts that the server closed {@code socket}: its end or a reset comes within 10 s, no data. */
    private static void assertClosedByTheServer(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        try {
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[4096];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (in.read(sink) >= 0) {
                // A TLS alert may come first: read past it to the end.
                assertThat(System.nanoTime() - deadline).as("closed within 10 s").isNegative();
            }
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("the server left the connection open", stillOpen);
        } catch (SocketException | javax.net.ssl.SSLException reset) {
            // Reset, or the TLS layer's alert: closed either way.
        }
    }

    /** {@return what the server sent on {@code socket} before closing it, or "reset: ..."} */
    private static String answerOf(Socket socket) throws IOException {
        try {
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketException reset) {
            return "reset: " + reset.getMessage();
        }
    }
}
