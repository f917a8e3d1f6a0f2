package dev.spindle.perf.tls;

import dev.spindle.io.tls.TlsClientContext;
import dev.spindle.io.tls.TlsClientOptions;
import dev.spindle.io.tls.TlsServerContext;
import dev.spindle.io.tls.TlsServerOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JDK {@code SSLEngine}'s own cost per request, the floor under Spindle's HTTPS transport
 * (issue 18): what any transport on this engine pays, Spindle and Vert.x alike, before it reads a
 * socket or parses a byte. Run with {@code -prof gc} and read {@code gc.alloc.rate.norm}.
 *
 * <p>The engines are exactly the ones Spindle configures: {@link TlsServerContext} and
 * {@link TlsClientContext} from {@link TlsServerOptions} and {@link TlsClientOptions}, with a
 * self-signed EC P-256 certificate that {@code keytool} makes at setup ({@link SelfSignedStores}),
 * trusted by the client through a {@code TrustSource}, host name checked. One client and one
 * server engine are handshaken once per trial in one thread; the buffers are made once.
 *
 * <ul>
 *   <li>{@code exchange}: one request-sized exchange, both ends: client {@code wrap} of a
 *       {@code requestSize}-byte request (120), server {@code unwrap}, server {@code wrap} of the
 *       response, client {@code unwrap}, each call repeated until its input is used up (the
 *       16 KiB response is two records). Time and {@code gc.alloc.rate.norm} cover both engines.</li>
 *   <li>{@code server}: the server's half alone, {@code unwrap} of a request record and
 *       {@code wrap} of the response, {@value #BATCH} per invocation. The client's records are
 *       real records in sequence, made before each invocation by the client engine
 *       ({@code Level.Invocation}, outside the timed region: an invocation is {@value #BATCH}
 *       exchanges, so the fixture's timestamps do not matter); the server's answers are dropped,
 *       as the client never reads them. The score is the server's time per exchange. JMH's
 *       {@code gc.alloc.rate.norm} for it still counts the client's record making (a fixture runs
 *       inside the iteration); the server's bytes are {@code serverBytes / serverOps}, read around
 *       the server's calls with the thread's allocation counter, and its CPU is
 *       {@code serverCpuNanos / serverOps}.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TlsEngineFloorBenchmark {

    /** Server exchanges per invocation of {@code server}. */
    static final int BATCH = 64;

    /** A handshaken client and server engine and every buffer an exchange needs, made once. */
    @State(Scope.Thread)
    public static class Pair {

        /** Protocol and cipher suite, JDK names. */
        @Param({"TLSv1.3:TLS_AES_128_GCM_SHA256", "TLSv1.3:TLS_AES_256_GCM_SHA384",
                "TLSv1.3:TLS_CHACHA20_POLY1305_SHA256", "TLSv1.2:TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"})
        public String suite;

        /**
         * The request record's plaintext bytes: 120 as in the research note's recipe (a small GET);
         * {@code HttpsAllocationBenchmark}'s floor is this benchmark with its own sizes.
         */
        @Param({"120"})
        public int requestSize;

        /** The response's plaintext bytes: a small answer, or a full TLS record. */
        @Param({"400", "16384"})
        public int responseSize;

        /** {@code heap} or {@code direct} {@code ByteBuffer}s, plaintext and records alike. */
        @Param({"heap", "direct"})
        public String buffers;

        SSLEngine client;
        SSLEngine server;
        ByteBuffer request;
        ByteBuffer response;
        ByteBuffer toServer;
        ByteBuffer toClient;
        ByteBuffer serverIn;
        ByteBuffer clientIn;

        @Setup(Level.Trial)
        public void handshake() throws IOException, InterruptedException {
            String protocol = suite.substring(0, suite.indexOf(':'));
            String cipherSuite = suite.substring(suite.indexOf(':') + 1);
            try (SelfSignedStores stores = SelfSignedStores.create(SelfSignedStores.KeyType.EC_P256)) {
                TlsServerContext serverContext = TlsServerContext.create(TlsServerOptions.of(stores.key())
                        .withProtocols(protocol).withCipherSuites(cipherSuite));
                TlsClientContext clientContext = TlsClientContext.create(TlsClientOptions.defaults()
                        .withTrust(stores.trust()).withProtocols(protocol).withCipherSuites(cipherSuite));
                client = clientContext.newEngine(SelfSignedStores.HOST, 443);
                server = serverContext.newEngine("127.0.0.1", 50_000);
                new EnginePump(client).handshake(client, server, null);
            }
            check("protocol", protocol, server.getSession().getProtocol());
            check("cipher suite", cipherSuite, server.getSession().getCipherSuite());
            int packet = server.getSession().getPacketBufferSize();
            int application = server.getSession().getApplicationBufferSize();
            request = filled(requestSize, 'q');
            response = filled(responseSize, 'r');
            toServer = allocate(packet);
            // Room for two records, and wrap wants a whole packet's room for each.
            toClient = allocate(2 * packet);
            serverIn = allocate(application);
            clientIn = allocate(2 * application);
            handshaken();
        }

        /** What a state that extends this one makes once the pair is ready (JMH orders no two setups). */
        void handshaken() {
        }

        ByteBuffer allocate(int size) {
            return switch (buffers) {
                case "heap" -> ByteBuffer.allocate(size);
                case "direct" -> ByteBuffer.allocateDirect(size);
                default -> throw new IllegalArgumentException("buffers: heap or direct, not " + buffers);
            };
        }

        private ByteBuffer filled(int size, char c) {
            byte[] bytes = new byte[size];
            Arrays.fill(bytes, (byte) c);
            return allocate(size).put(bytes).flip();
        }

        private static void check(String what, String expected, String negotiated) {
            if (!expected.equals(negotiated)) {
                throw new IllegalStateException(what + ": asked for " + expected + ", negotiated " + negotiated);
            }
        }

        /**
         * The server unwraps one request record from {@code records} and wraps the whole response
         * into {@code toClient}: one record for 400 bytes, two for 16 KiB (the JDK puts at most
         * 16,367 bytes of TLS 1.3 plaintext in a record, so a wrap takes 16,367 and a second the
         * last 17, as a transport's wrap loop would).
         */
        void serve(ByteBuffer records) throws SSLException {
            serverIn.clear();
            EnginePump.expectOk(server.unwrap(records, serverIn), "server unwrap");
            if (serverIn.position() != requestSize) {
                throw new SSLException("server unwrap gave " + serverIn.position() + " bytes");
            }
            response.clear();
            toClient.clear();
            do {
                EnginePump.expectOk(server.wrap(response, toClient), "server wrap");
            } while (response.hasRemaining());
        }
    }

    /** The pair, plus {@value #BATCH} request records made by the client before each invocation. */
    @State(Scope.Thread)
    public static class ClientRecords extends Pair {

        ByteBuffer records;

        @Override
        void handshaken() {
            // wrap wants room for a whole packet (16,709 bytes) even for a 120-byte request; a
            // record is the plaintext plus less than 256 bytes of header, type and tag.
            records = allocate(BATCH * (requestSize + 256) + server.getSession().getPacketBufferSize());
        }

        @Setup(Level.Invocation)
        public void makeRecords() throws SSLException {
            records.clear();
            for (int i = 0; i < BATCH; i++) {
                request.clear();
                EnginePump.expectOk(client.wrap(request, records), "client wrap");
            }
            records.flip();
        }
    }

    @Benchmark
    public int exchange(Pair pair) throws SSLException {
        pair.request.clear();
        ByteBuffer toServer = pair.toServer.clear();
        EnginePump.expectOk(pair.client.wrap(pair.request, toServer), "client wrap");
        toServer.flip();
        pair.serve(toServer);
        if (toServer.hasRemaining()) {
            throw new SSLException("the server left " + toServer.remaining() + " bytes of one record");
        }
        ByteBuffer toClient = pair.toClient.flip();
        ByteBuffer clientIn = pair.clientIn.clear();
        do {
            EnginePump.expectOk(pair.client.unwrap(toClient, clientIn), "client unwrap");
        } while (toClient.hasRemaining()); // one record per call
        if (toClient.hasRemaining() || clientIn.position() != pair.responseSize) {
            throw new SSLException("the client read " + clientIn.position() + " bytes and left " + toClient.remaining());
        }
        return clientIn.position();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int server(ClientRecords pair, ServerShare share) throws SSLException {
        long bytes = ServerShare.allocatedBytes();
        long cpu = ServerShare.cpuTime();
        long start = System.nanoTime();
        ByteBuffer records = pair.records;
        int produced = 0;
        for (int i = 0; i < BATCH; i++) {
            pair.serve(records);
            produced += pair.toClient.position();
        }
        long nanos = System.nanoTime() - start;
        share.add(nanos, ServerShare.cpuTime() - cpu, ServerShare.allocatedBytes() - bytes);
        share.count(BATCH);
        if (records.hasRemaining()) {
            throw new SSLException(records.remaining() + " bytes of client records left unread");
        }
        return produced;
    }
}
