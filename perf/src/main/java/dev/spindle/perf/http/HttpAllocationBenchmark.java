package dev.spindle.perf.http;

import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.MailboxSpec;
import dev.spindle.actors.SpawnOptions;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import dev.spindle.io.TcpListener;
import dev.spindle.io.http.HttpMethod;
import dev.spindle.io.http.HttpRequest;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;
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
 * Heap bytes allocated per HTTP request (and per TCP echo round trip) on the steady-state path of
 * Spindle's io module, server and client in one JVM over loopback sockets. Run with
 * {@code -prof gc} and read {@code gc.alloc.rate.norm}: bytes per request, all threads together
 * (the io loop, the route actors' virtual threads on their carriers, and the client, which
 * allocates nothing once warm; each iteration prints the split by thread to check that).
 *
 * <ul>
 *   <li>{@code request}: {@code connections} keep-alive connections, one request in flight on
 *       each; an operation takes the answer on the next connection in turn and sends its next
 *       request.</li>
 *   <li>{@code pipelined}: the same with 16 requests in one write per connection; an operation is
 *       one batch, reported per request ({@code @OperationsPerInvocation(16)}).</li>
 *   <li>{@code echo}: TCP echo of 128 bytes through the echo actor of {@link SpindleHttpServer}.</li>
 * </ul>
 *
 * Routes ({@code route}): {@code plaintext} and {@code json} as in {@link SpindleHttpServer};
 * two calibrations that add a known 1 KiB {@code byte[]} (1,040 bytes with its header) per
 * request: {@code alloc1k} in the route actor's handler (a virtual thread), {@code adapt1k} in the
 * route's adapter (the io loop's platform thread).
 *
 * <p>With {@code -Dspindle.alloc.jfr=DIR} (through {@code -jvmArgsAppend}), the measurement
 * iterations are also recorded with JFR ({@code jdk.ObjectAllocationSample}, stack traces) into
 * {@code DIR/<benchmark>-<route>-<connections>.jfr}, with the request count beside it
 * ({@code .ops}) for {@link JfrAllocationSites}. Take bytes per request from a run without it: the
 * recorder's own threads allocate.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--sun-misc-unsafe-memory-access=allow"})
public class HttpAllocationBenchmark {

    static final int PIPELINE = 16;
    static final int ECHO_SIZE = 128;
    /** Kept reachable so that no compiler can drop the calibration arrays. */
    static volatile byte[] calibration;

    /** One server: an actor system, one io loop, HTTP routes and a TCP echo listener on loopback. */
    static final class Server implements AutoCloseable {
        final ActorSystem system = ActorSystem.create("alloc");
        final Io io = Io.create(IoConfig.defaults().withLoops(1));
        final HttpServer http;
        final TcpListener echo;

        Server(SpawnOptions routes) throws IOException {
            Router router = Router.builder()
                    .get("/plaintext", system.spawn((ctx, request) -> {
                        request.respond(200, "text/plain", Routes.HELLO);
                        return Behavior.same();
                    }, "plaintext", routes))
                    .get("/json", system.spawn((ctx, request) -> {
                        request.respond(200, "application/json", Routes.json());
                        return Behavior.same();
                    }, "json", routes))
                    .get("/alloc1k", system.spawn((ctx, request) -> {
                        calibration = new byte[1024];
                        request.respond(200, "text/plain", Routes.HELLO);
                        return Behavior.same();
                    }, "alloc1k"))
                    .route(HttpMethod.GET, "/adapt1k", system.<HttpRequest>spawn((ctx, request) -> {
                        request.respond(200, "text/plain", Routes.HELLO);
                        return Behavior.same();
                    }, "adapt1k"), request -> {
                        calibration = new byte[1024];
                        return request;
                    })
                    .build();
            InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
            http = HttpServer.listen(io, any, HttpServerOptions.defaults(), router);
            echo = io.listen(any, SpindleHttpServer.ECHO_OPTIONS, system.spawn(SpindleHttpServer.echo(), "echo", routes));
        }

        @Override
        public void close() {
            http.close();
            echo.close();
            io.close();
            system.close();
        }
    }

    /** What every state shares: the server, the clients, and the bookkeeping around each iteration. */
    @State(Scope.Thread)
    public abstract static class Clients {
        @Param({"1", "16"})
        public int connections;

        /**
         * The route and echo actors' mailbox: {@code unbounded} (the default, chunked: one 32-slot
         * chunk per 32 messages) or {@code ring} ({@code MailboxSpec.ring(1024)}, made once).
         */
        @Param({"unbounded", "ring"})
        public String mailbox;

        Server server;
        LoopbackClient[] clients;
        int next;
        long operations;
        private final ThreadAllocation byThread = new ThreadAllocation();
        private long clientThread;
        private Recording recording;
        private Path jfrFile;
        private long recordedFrom = -1;
        private long operationsAtStart;

        abstract byte[] message();

        /** Before anything else is set up: what the state needs to know of the benchmark. */
        void configure(BenchmarkParams params) {
        }

        abstract InetSocketAddress address();

        /** Puts one message in flight on each connection. */
        abstract void prime() throws IOException;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) throws IOException {
            configure(params);
            server = new Server(mailbox.equals("ring")
                    ? SpawnOptions.defaults().withMailbox(MailboxSpec.ring(1024)) : SpawnOptions.defaults());
            clients = new LoopbackClient[connections];
            for (int i = 0; i < connections; i++) {
                clients[i] = new LoopbackClient(address(), message());
            }
            prime();
            String dir = System.getProperty("spindle.alloc.jfr");
            if (dir != null) {
                String benchmark = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
                String route = params.getParam("route");
                jfrFile = Path.of(dir, benchmark + (route == null ? "" : "-" + route) + "-" + connections
                        + (mailbox.equals("unbounded") ? "" : "-" + mailbox) + ".jfr");
            }
        }

        @Setup(Level.Iteration)
        public void startIteration(IterationParams iteration) {
            if (jfrFile != null && recording == null && iteration.getType() == IterationType.MEASUREMENT) {
                recording = new Recording();
                // Sampled allocations with a weight (bytes since the thread's previous sample):
                // summed, an estimate of everything allocated, by class and stack.
                recording.enable("jdk.ObjectAllocationSample").withStackTrace().with("throttle", "20000/s");
                recording.start();
                recordedFrom = operations;
            }
            clientThread = Thread.currentThread().threadId();
            operationsAtStart = operations;
            byThread.start();
        }

        @TearDown(Level.Iteration)
        public void endIteration() {
            System.out.println(byThread.stop(operations - operationsAtStart, clientThread));
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
                System.out.println("JFR: " + (operations - recordedFrom) + " requests recorded in " + jfrFile);
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
    public static class Http extends Clients {
        @Param({"plaintext", "json", "alloc1k", "adapt1k"})
        public String route;

        /** 1 for {@code request}, {@link #PIPELINE} for {@code pipelined}. */
        int batch;

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
            return server.http.localAddress();
        }

        @Override
        void prime() throws IOException {
            for (LoopbackClient client : clients) {
                client.send();
            }
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

        @Override
        void prime() throws IOException {
            for (LoopbackClient client : clients) {
                client.send();
            }
        }
    }

    /** One request and its answer, with one request in flight on each connection. */
    @Benchmark
    public int request(Http state) throws IOException {
        return state.exchange();
    }

    /** Sixteen requests in one write and their sixteen answers; figures are per request. */
    @Benchmark
    @OperationsPerInvocation(PIPELINE)
    public int pipelined(Http state) throws IOException {
        return state.exchange();
    }

    /** One 128-byte TCP echo round trip, with one message in flight on each connection. */
    @Benchmark
    public void echo(Echo state) throws IOException {
        LoopbackClient client = state.nextClient();
        client.awaitBytes(ECHO_SIZE);
        client.send();
        state.operations++;
    }
}
