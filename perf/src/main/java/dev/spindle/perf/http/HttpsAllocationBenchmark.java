package dev.spindle.perf.http;

import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.MailboxSpec;
import dev.spindle.actors.SpawnOptions;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import dev.spindle.io.TcpListener;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;
import dev.spindle.io.tls.TlsClientContext;
import dev.spindle.io.tls.TlsClientOptions;
import dev.spindle.io.tls.TlsServerContext;
import dev.spindle.io.tls.TlsServerOptions;
import dev.spindle.perf.tls.SelfSignedStores;
import jdk.jfr.Recording;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Heap bytes allocated per HTTPS request (and per TLS echo round trip) on the steady-state path of
 * Spindle's io module (issue 18): {@link HttpAllocationBenchmark} over TLS. Server and client in
 * one JVM over loopback: the server is Spindle's HTTPS server ({@code HttpServerOptions.withTls})
 * on one io loop, {@code /plaintext} and {@code /json} as there, each route an actor with a ring
 * mailbox, and a TLS echo listener ({@code TcpOptions.withTls}, pooled reads); one
 * {@link TlsServerContext} with a self-signed EC P-256 certificate made at setup
 * ({@link SelfSignedStores}). The client is single-threaded and blocking: a client-mode
 * {@code SSLEngine} from Spindle's {@link TlsClientContext}, trusting that certificate alone and
 * checking the host name, per connection ({@link TlsClientLink}), with its buffers made once.
 *
 * <p>Run with {@code -prof gc}: {@code gc.alloc.rate.norm} counts both ends, and the client's engine
 * allocates too (its {@code wrap} and {@code unwrap} cost about what the server's do). The
 * server's share is what each iteration prints: {@code server side} = all threads less the client
 * (benchmark) thread ({@link ThreadAllocation}). Compare it with the engine's own floor, the
 * server's bytes of {@code TlsEngineFloorBenchmark.server} with the negotiated suite and heap
 * buffers (Spindle's transport gives the engine heap buffers): the difference is what Spindle adds.
 *
 * <ul>
 *   <li>{@code request}: {@code connections} keep-alive connections, one request in flight on
 *       each; an operation takes the answer on the next connection in turn and sends its next
 *       request (one record each way).</li>
 *   <li>{@code pipelined}: the same with 16 requests in one write (one record) per connection; an
 *       operation is one batch, reported per request ({@code @OperationsPerInvocation(16)}).</li>
 *   <li>{@code echo}: a 128-byte TLS echo round trip.</li>
 * </ul>
 *
 * {@code suite} is {@code default} (what the JDK's client and Spindle's server negotiate on their
 * own) or a TLS 1.3 suite name the client offers alone; setup prints what was negotiated.
 *
 * <p>With {@code -Dspindle.alloc.jfr=DIR} (through {@code -jvmArgsAppend}), the measurement
 * iterations are recorded with JFR ({@code jdk.ObjectAllocationSample}, stack traces) into
 * {@code DIR/https-<benchmark>-<route>-<connections>-<suite>.jfr}, the request count beside it
 * ({@code .ops}), for {@link JfrAllocationSites}. Take bytes per request from a run without it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HttpsAllocationBenchmark {

    static final int PIPELINE = 16;
    static final int ECHO_SIZE = 128;
    static final String DEFAULT_SUITE = "default";

    /** One server: an actor system, one io loop, HTTPS routes and a TLS echo listener on loopback. */
    static final class Server implements AutoCloseable {
        final ActorSystem system = ActorSystem.create("https-alloc");
        final Io io = Io.create(IoConfig.defaults().withLoops(1));
        final HttpServer https;
        final TcpListener echo;

        Server(TlsServerContext tls) throws IOException {
            // A ring takes a message without allocating; the default mailbox adds a chunk per 32 (5.3 B).
            SpawnOptions ring = SpawnOptions.defaults().withMailbox(MailboxSpec.ring(1024));
            Router router = Router.builder()
                    .get("/plaintext", system.spawn((ctx, request) -> {
                        request.respond(200, "text/plain", Routes.HELLO);
                        return Behavior.same();
                    }, "plaintext", ring))
                    .get("/json", system.spawn((ctx, request) -> {
                        request.respond(200, "application/json", Routes.json());
                        return Behavior.same();
                    }, "json", ring))
                    .build();
            InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
            https = HttpServer.listen(io, any, HttpServerOptions.defaults().withTls(tls), router);
            echo = io.listen(any, SpindleHttpServer.ECHO_OPTIONS.withTls(tls),
                    system.spawn(SpindleHttpServer.echo(), "echo", ring));
        }

        @Override
        public void close() {
            https.close();
            echo.close();
            io.close();
            system.close();
        }
    }

    /** What every state shares: the server, the TLS clients, and the bookkeeping around each iteration. */
    @State(Scope.Thread)
    public abstract static class Clients {
        @Param({"1", "16"})
        public int connections;

        @Param({DEFAULT_SUITE})
        public String suite;

        Server server;
        LoopbackClient[] clients;
        /** What the first connection negotiated: protocol and cipher suite. */
        String negotiated;
        int next;
        long operations;
        /** The last iteration's bytes by thread. */
        ThreadAllocation.Split lastSplit;
        private final ThreadAllocation byThread = new ThreadAllocation();
        private long clientThread;
        private long operationsAtStart;
        private Recording recording;
        private Path jfrFile;
        private long recordedFrom;

        abstract byte[] message();

        /** Before anything else is set up: what the state needs to know of the benchmark. */
        void configure(BenchmarkParams params) {
        }

        abstract InetSocketAddress address();

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) throws IOException, InterruptedException {
            configure(params);
            String dir = System.getProperty("spindle.alloc.jfr");
            if (dir != null) {
                String benchmark = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
                String route = params.getParam("route");
                jfrFile = Path.of(dir, "https-" + benchmark + (route == null ? "" : "-" + route) + "-" + connections
                        + "-" + suite + ".jfr");
            }
            start();
        }

        /** Starts the server, connects and handshakes the clients, and puts one message in flight on each. */
        void start() throws IOException, InterruptedException {
            TlsServerContext serverContext;
            TlsClientContext clientContext;
            try (SelfSignedStores stores = SelfSignedStores.create(SelfSignedStores.KeyType.EC_P256)) {
                serverContext = TlsServerContext.create(TlsServerOptions.of(stores.key()));
                TlsClientOptions client = TlsClientOptions.defaults().withTrust(stores.trust());
                clientContext = TlsClientContext.create(
                        suite.equals(DEFAULT_SUITE) ? client : client.withCipherSuites(suite));
            }
            server = new Server(serverContext);
            clients = new LoopbackClient[connections];
            for (int i = 0; i < connections; i++) {
                TlsClientLink link = new TlsClientLink(address(), clientContext, SelfSignedStores.HOST);
                if (i == 0) {
                    negotiated = link.session().getProtocol() + " " + link.session().getCipherSuite();
                    System.out.println("TLS: " + negotiated);
                }
                clients[i] = new LoopbackClient(link, message());
            }
            for (LoopbackClient client : clients) {
                client.send();
            }
        }

        @Setup(Level.Iteration)
        public void startIteration(IterationParams iteration) {
            if (jfrFile != null && recording == null && iteration.getType() == IterationType.MEASUREMENT) {
                recording = new Recording();
                recording.enable("jdk.ObjectAllocationSample").withStackTrace().with("throttle", "20000/s");
                recording.start();
                recordedFrom = operations;
            }
            startIteration();
        }

        void startIteration() {
            clientThread = Thread.currentThread().threadId();
            operationsAtStart = operations;
            byThread.start();
        }

        @TearDown(Level.Iteration)
        public void endIteration() {
            lastSplit = byThread.split(operations - operationsAtStart, clientThread);
            System.out.printf(java.util.Locale.ROOT, "%s; server side (all but the client) %.1f B/op%n",
                    lastSplit.line(), lastSplit.serverPerOperation());
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            if (recording != null) {
                recording.stop();
                Files.createDirectories(jfrFile.getParent());
                recording.dump(jfrFile);
                recording.close();
                String name = jfrFile.getFileName().toString();
                Files.writeString(jfrFile.resolveSibling(name.substring(0, name.length() - 4) + ".ops"),
                        Long.toString(operations - recordedFrom));
            }
            for (LoopbackClient client : clients) {
                client.close();
            }
            server.close();
        }

        LoopbackClient nextClient() {
            LoopbackClient client = clients[next];
            next = next + 1 == clients.length ? 0 : next + 1;
            return client;
        }
    }

    @State(Scope.Thread)
    public static class Https extends Clients {
        @Param({"plaintext", "json"})
        public String route;

        /** 1 for {@code request}, {@link #PIPELINE} for {@code pipelined}. */
        int batch = 1;

        @Override
        void configure(BenchmarkParams params) {
            batch = params.getBenchmark().endsWith(".pipelined") ? PIPELINE : 1;
        }

        @Override
        byte[] message() {
            byte[] one = ("GET /" + route + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] all = new byte[one.length * batch];
            for (int i = 0; i < batch; i++) {
                System.arraycopy(one, 0, all, i * one.length, one.length);
            }
            return all;
        }

        @Override
        InetSocketAddress address() {
            return server.https.localAddress();
        }

        int exchange() throws IOException {
            LoopbackClient client = nextClient();
            int bytes = client.awaitResponses(batch);
            client.send();
            operations += batch;
            return bytes;
        }
    }

    @State(Scope.Thread)
    public static class Echo extends Clients {
        @Override
        byte[] message() {
            byte[] message = new byte[ECHO_SIZE];
            Arrays.fill(message, (byte) 'e');
            return message;
        }

        @Override
        InetSocketAddress address() {
            return server.echo.localAddress();
        }
    }

    /** One HTTPS request and its answer, with one request in flight on each connection. */
    @Benchmark
    public int request(Https state) throws IOException {
        return state.exchange();
    }

    /** Sixteen requests in one record and their sixteen answers; figures are per request. */
    @Benchmark
    @OperationsPerInvocation(PIPELINE)
    public int pipelined(Https state) throws IOException {
        return state.exchange();
    }

    /** One 128-byte TLS echo round trip, with one message in flight on each connection. */
    @Benchmark
    public void echo(Echo state) throws IOException {
        LoopbackClient client = state.nextClient();
        client.awaitBytes(ECHO_SIZE);
        client.send();
        state.operations++;
    }
}
