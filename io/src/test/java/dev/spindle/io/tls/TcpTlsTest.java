package dev.spindle.io.tls;

import dev.spindle.actors.Behavior;
import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.actors.testkit.TestProbe;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import dev.spindle.io.TcpConnection;
import dev.spindle.io.TcpEvent;
import dev.spindle.io.TcpListener;
import dev.spindle.io.TcpOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** TCP over TLS on real sockets: a Spindle server and client, the JDK's blocking TLS socket, and peers that misbehave. */
class TcpTlsTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final Duration WAIT = TestProbe.DEFAULT_WAIT;

    @TempDir
    Path dir;

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create(IoConfig.defaults().withLoops(2));
    private final TestPki.Issued ca = TestPki.ca("Test CA");
    private final TestPki.Issued serverCert = TestPki.leaf(ca, "a.test", TestPki.ec(), "a.test");

    @AfterEach
    void close() {
        io.close();
        kit.close();
    }

    private TlsServerContext serverContext(TlsServerOptions options) {
        return TlsServerContext.create(options);
    }

    private TlsServerOptions serverOptions() {
        return TlsServerOptions.of(TestPki.files(dir, "server", serverCert.key(), serverCert.certificate(), ca.certificate()));
    }

    private TlsClientContext clientContext() {
        return TlsClientContext.create(TlsClientOptions.defaults()
                .withTrust(TrustSource.pem(TestPki.write(dir, "ca.pem", TestPki.pem(ca.certificate())))));
    }

    /** An echo handler: what it receives it writes back; it stops when the connection closes. */
    static Behavior<TcpEvent> echo() {
        return (ctx, event) -> switch (event) {
            case TcpEvent.Received(TcpConnection connection, byte[] data) -> {
                connection.write(data);
                yield Behavior.same();
            }
            case TcpEvent.Closed closed -> Behavior.stopped();
            default -> Behavior.same();
        };
    }

    static Behavior<TcpEvent> echoServer() {
        return (ctx, event) -> {
            if (event instanceof TcpEvent.Accepted(TcpListener listener, TcpConnection connection)) {
                connection.register(ctx.spawnAnonymous(echo()));
            }
            return Behavior.same();
        };
    }

    private TcpListener echoListener(TlsServerContext context) throws IOException {
        return io.listen(ANY_PORT, TcpOptions.defaults().withTls(context), kit.spawn(echoServer()));
    }

    /** {@code host} as the name to call, at 127.0.0.1: what the client verifies and sends as SNI. */
    private static InetSocketAddress named(String host, TcpListener listener) throws IOException {
        return new InetSocketAddress(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}), listener.localAddress().getPort());
    }

    @Test
    void shouldEchoOverTlsBetweenASpindleServerAndASpindleClient() throws Exception {
        TlsServerContext server = serverContext(serverOptions());
        TcpListener listener = echoListener(server);
        TestProbe<TcpEvent> client = kit.createProbe();
        io.connect(named("a.test", listener), TcpOptions.defaults().withTls(clientContext()), client.ref());
        TcpConnection connection = client.expectMessageClass(TcpEvent.Connected.class).connection();

        byte[] payload = new byte[300_000];
        new Random(7).nextBytes(payload);
        for (int off = 0; off < payload.length; off += 10_000) {
            connection.write(Arrays.copyOfRange(payload, off, off + 10_000));
        }
        assertThat(receiveBytes(client, payload.length)).isEqualTo(payload);
        connection.close();
        while (!(client.receiveMessage(WAIT) instanceof TcpEvent.Closed)) {
            // what the echo still sent, then the close
        }
        assertThat(server.stats().handshakes()).isEqualTo(1);
        assertThat(server.stats().failed()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void shouldEchoToTheJdksBlockingTlsSocket(String protocol) throws Exception {
        TcpListener listener = echoListener(serverContext(serverOptions()));
        try (SSLSocket socket = jdkClient(listener, protocol)) {
            socket.getOutputStream().write("hello over tls\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(socket.getInputStream().readNBytes(15), StandardCharsets.US_ASCII)).isEqualTo("hello over tls\n");
            assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
            assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");
        }
    }

    @Test
    void shouldCloseAndCountAPlaintextClientAndServeTheNextOne() throws Exception {
        TlsServerContext server = serverContext(serverOptions());
        TcpListener listener = echoListener(server);
        try (Socket plain = new Socket(listener.localAddress().getAddress(), listener.localAddress().getPort())) {
            plain.setSoTimeout(5_000);
            plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(plain.getInputStream().read()).isEqualTo(-1); // TCP has no plaintext answer to give
        }
        awaitStats(server, s -> s.plaintextRefused() == 1, "the plaintext client counted");
        shouldStillEcho(listener);
    }

    @Test
    void shouldCloseAClientThatNeverFinishesItsHandshake() throws Exception {
        // Long enough for the next client's real handshake on a loaded machine (a first, cold one can take half a second).
        TlsServerContext server = serverContext(serverOptions().withHandshakeTimeout(Duration.ofSeconds(2)));
        TcpListener listener = echoListener(server);
        try (Socket silent = new Socket(listener.localAddress().getAddress(), listener.localAddress().getPort())) {
            silent.setSoTimeout(10_000);
            assertThat(silent.getInputStream().read()).isEqualTo(-1);
        }
        awaitStats(server, s -> s.timedOut() == 1 && s.failed() == 1, "the slow handshake timed out and counted");
        shouldStillEcho(listener);
    }

    @Test
    void shouldAnswerGarbageRecordsWithAnAlertAndClose() throws Exception {
        TlsServerContext server = serverContext(serverOptions());
        TcpListener listener = echoListener(server);
        try (Socket garbage = new Socket(listener.localAddress().getAddress(), listener.localAddress().getPort())) {
            garbage.setSoTimeout(10_000);
            byte[] record = new byte[5 + 64];
            record[0] = 22; // a handshake record...
            record[1] = 3;
            record[2] = 1;
            record[4] = 64;
            Arrays.fill(record, 5, record.length, (byte) 0x5a); // ...of garbage
            garbage.getOutputStream().write(record);
            byte[] answer = garbage.getInputStream().readAllBytes();
            assertThat(answer).isNotEmpty();
            assertThat(answer[0]).isEqualTo((byte) 21); // an alert record, then the close
        }
        awaitStats(server, s -> s.failed() == 1, "the failed handshake counted");
        shouldStillEcho(listener);
    }

    @Test
    void shouldCloseAClientThatSendsMoreThanTheHandshakeCap() throws Exception {
        TlsServerContext server = serverContext(serverOptions().withMaxHandshakeBytes(20_000));
        TcpListener listener = echoListener(server);
        try (Socket flood = new Socket(listener.localAddress().getAddress(), listener.localAddress().getPort())) {
            flood.setSoTimeout(10_000);
            // A ClientHello that says it is 30,000 bytes long, sent in 1,000-byte records: each is
            // whole and valid, the message never ends, and the server buffers it until the cap.
            ByteArrayOutputStream records = new ByteArrayOutputStream();
            for (int i = 0; i < 25; i++) {
                records.writeBytes(new byte[] {22, 3, 1, 0x03, (byte) 0xe8});
                byte[] payload = new byte[1000];
                if (i == 0) {
                    payload[0] = 1; // client_hello
                    payload[1] = 0;
                    payload[2] = 0x75;
                    payload[3] = 0x30;
                }
                records.writeBytes(payload);
            }
            try {
                flood.getOutputStream().write(records.toByteArray());
                assertThat(flood.getInputStream().read()).isEqualTo(-1);
            } catch (IOException reset) {
                // closed with bytes unread: a reset is the same outcome
            }
        }
        awaitStats(server, s -> s.oversized() == 1, "the oversized handshake counted");
        shouldStillEcho(listener);
    }

    @Test
    void shouldRefuseATls12Renegotiation() throws Exception {
        TlsServerContext server = serverContext(serverOptions());
        TcpListener listener = echoListener(server);
        try (SSLSocket socket = jdkClient(listener, "TLSv1.2")) {
            socket.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
            assertThat(socket.getInputStream().read()).isEqualTo('x');
            try {
                socket.startHandshake(); // a second handshake: a renegotiation
                socket.getOutputStream().write("y".getBytes(StandardCharsets.US_ASCII));
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
            } catch (IOException refused) {
                // the server closed: the JDK client may say so as an exception
            }
        }
        awaitStats(server, s -> s.renegotiationRefused() == 1, "the renegotiation refused and counted");
    }

    @Test
    void shouldFailTheConnectWhenTheServerIsNotTrusted() throws Exception {
        TestPki.Issued otherCa = TestPki.ca("Other CA");
        TestPki.Issued stranger = TestPki.leaf(otherCa, "a.test", TestPki.ec(), "a.test");
        TcpListener listener = echoListener(serverContext(TlsServerOptions.of(
                TestPki.files(dir, "stranger", stranger.key(), stranger.certificate()))));
        TestProbe<TcpEvent> client = kit.createProbe();
        TlsClientContext context = clientContext();
        io.connect(named("a.test", listener), TcpOptions.defaults().withTls(context), client.ref());
        TcpEvent.ConnectFailed failed = client.expectMessageClass(TcpEvent.ConnectFailed.class);
        assertThat(TlsFailure.of(failed.cause())).isEqualTo(TlsFailure.CERTIFICATE_UNTRUSTED);
        assertThat(context.stats().failures()).containsEntry(TlsFailure.CERTIFICATE_UNTRUSTED, 1L);
    }

    @Test
    void shouldFailTheConnectWhenTheCertificateNamesAnotherHost() throws Exception {
        TcpListener listener = echoListener(serverContext(serverOptions()));
        TestProbe<TcpEvent> client = kit.createProbe();
        io.connect(named("b.test", listener), TcpOptions.defaults().withTls(clientContext()), client.ref());
        TcpEvent.ConnectFailed failed = client.expectMessageClass(TcpEvent.ConnectFailed.class);
        assertThat(TlsFailure.of(failed.cause())).isEqualTo(TlsFailure.HOST_NAME_MISMATCH);
    }

    // ---- helpers

    private void shouldStillEcho(TcpListener listener) throws Exception {
        try (SSLSocket socket = jdkClient(listener, "TLSv1.3")) {
            socket.getOutputStream().write("still here".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(socket.getInputStream().readNBytes(10), StandardCharsets.US_ASCII)).isEqualTo("still here");
        }
    }

    private SSLSocket jdkClient(TcpListener listener, String protocol) throws Exception {
        return JdkTlsClient.connect(ca.certificate(), listener.localAddress().getPort(), protocol, null);
    }

    private static void awaitStats(TlsServerContext server, Predicate<TlsStats> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.test(server.stats())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + WAIT + "; stats " + server.stats());
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    private static byte[] receiveBytes(TestProbe<TcpEvent> probe, int total) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        while (received.size() < total) {
            TcpEvent event = probe.receiveMessage(WAIT);
            if (event instanceof TcpEvent.Received(TcpConnection connection, byte[] data)) {
                received.writeBytes(data);
            }
        }
        return received.toByteArray();
    }
}
