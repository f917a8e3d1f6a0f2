package dev.spindle.cluster;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import dev.spindle.io.TcpConnection;
import dev.spindle.io.TcpEvent;
import dev.spindle.io.TcpOptions;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * The worker program of {@link ClusterTest}, run in forked JVMs. Modes (first argument):
 * {@code echo} answers each text message with {@code "echo <text> from <id>"}, halts with exit code
 * 3 on {@code "crash"}, and stops on a disconnect; {@code crash} halts at once (a crash loop);
 * {@code listen <port>} also serves a TCP port shared with {@code SO_REUSEPORT}, answering each
 * connection with its worker id.
 */
public final class TestWorker {

    /** A question across processes: double {@code n}, answer {@code replyTo}. */
    public record Double(int n, ActorRef<Integer> replyTo) {
        static final Codec<Double> CODEC = Codec.of((d, out) -> {
            out.writeInt(d.n());
            ClusterRefs.write(d.replyTo(), out);
        }, in -> new Double(in.readInt(), ClusterRefs.read(in)));
    }

    /** The config both sides build: the tests' primary and this worker. */
    public static final ClusterConfig CONFIG = ClusterConfig.defaults().withWorkers(2)
            .withRestarts(Duration.ofMillis(10), Duration.ofMillis(100), 5, Duration.ofMinutes(1))
            .withShutdownTimeout(Duration.ofSeconds(10))
            // out of Surefire's channel (the forked test JVM's stdout), into files to read after a failure
            .withWorkerLogs(java.nio.file.Path.of("target", "worker-logs"))
            .withCodec(2, Double.class, Double.CODEC)
            .withCodec(3, Integer.class, Codec.of((n, out) -> out.writeInt(n), java.io.DataInput::readInt));

    private TestWorker() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("crash")) {
            Runtime.getRuntime().halt(4);
        }
        CompletableFuture<ClusterWorker> self = new CompletableFuture<>();
        CountDownLatch done = new CountDownLatch(1);
        try (ActorSystem system = ActorSystem.create("worker-" + Cluster.workerId());
                Io io = Io.create(IoConfig.defaults().withLoops(1))) {
            ActorRef<WorkerEvent> inbox = system.spawn((ctx, event) -> {
                switch (event) {
                    case WorkerEvent.Message(String text) when text.equals("crash") -> Runtime.getRuntime().halt(3);
                    case WorkerEvent.Message(String text) when text.equals("oom") -> {
                        java.util.List<long[]> hog = new java.util.ArrayList<>();
                        while (true) {
                            hog.add(new long[1 << 20]); // until the heap runs out
                        }
                    }
                    case WorkerEvent.Message(String text) -> self.join().send("echo " + text + " from " + Cluster.workerId());
                    case WorkerEvent.Message(Object other) -> self.join().send(other);
                    case WorkerEvent.Disconnect() -> self.join().close();
                    case WorkerEvent.PrimaryGone(var cause) -> done.countDown();
                }
                return Behavior.same();
            }, "inbox");
            if (args[0].equals("relay")) {
                relay(system);
                return;
            }
            if (args[0].equals("http")) {
                http(system, io, Integer.parseInt(args[1]));
                return;
            }
            ClusterWorker worker = Cluster.joinAsWorker(system, CONFIG, inbox);
            self.complete(worker);
            if (args[0].equals("listen")) {
                byte[] id = Integer.toString(worker.id()).getBytes(StandardCharsets.US_ASCII);
                InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1]));
                // Each connection hears the worker's id and stays open until the client closes it.
                ActorRef<TcpEvent> owner = system.spawn((ctx, event) -> {
                    if (event instanceof TcpEvent.Accepted(var l, TcpConnection connection)) {
                        connection.write(id);
                        connection.register(ctx.spawnAnonymous((c, e) -> e instanceof TcpEvent.Closed
                                ? Behavior.stopped() : Behavior.same()));
                    }
                    return Behavior.same();
                }, "listener");
                try {
                    worker.listen(io, address, TcpOptions.defaults(), owner); // as the primary's balancing says
                } catch (java.io.IOException e) {
                    worker.send("listen failed: " + e.getMessage());
                    done.await();
                    return;
                }
                if (worker.balancing() == Balancing.ROUND_ROBIN) {
                    try {
                        worker.listen(io, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TcpOptions.defaults(), owner);
                        worker.send("a second round-robin address was allowed");
                    } catch (IllegalStateException expected) {
                        // ... but with SO_REUSEPORT named, a second address is fine
                        worker.listen(io, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TcpOptions.defaults(),
                                owner, Balancing.REUSE_PORT);
                        worker.send("second address: " + expected.getMessage());
                    }
                }
            }
            done.await();
        }
    }

    /**
     * Actors by name: {@code relay} passes each text on, worker 1 to worker 2's {@code relay}, worker
     * 2 to the primary's {@code probe}, each adding its id; {@code doubler} answers a {@link Double}.
     * Tells the primary {@code "ready"} once both are exposed.
     */
    private static void relay(ActorSystem system) throws Exception {
        CompletableFuture<ClusterWorker> self = new CompletableFuture<>();
        ActorRef<WorkerEvent> inbox = system.spawn((ctx, event) -> {
            if (event instanceof WorkerEvent.Disconnect) {
                self.join().close();
            }
            return Behavior.same();
        }, "relay-inbox");
        ClusterWorker worker = Cluster.joinAsWorker(system, CONFIG, inbox);
        self.complete(worker);
        ActorRef<String> next = worker.id() == 1 ? worker.remote(2, "relay") : worker.remote(ClusterNode.PRIMARY, "probe");
        worker.expose("relay", system.<String>spawn((ctx, text) -> {
            next.tell(text + " w" + worker.id());
            return Behavior.same();
        }, "relay"));
        worker.expose("doubler", system.<Double>spawn((ctx, question) -> {
            question.replyTo().tell(question.n() * 2);
            return Behavior.same();
        }, "doubler"));
        worker.send("ready");
        worker.whenClosed().toCompletableFuture().join();
    }

    /**
     * HTTP on a port shared as the primary's balancing says: {@code GET /} answers
     * {@code "worker <id> pid <pid>"}; a {@code byte[]} message is echoed; on a disconnect the
     * server drains, then the worker leaves.
     */
    private static void http(ActorSystem system, Io io, int port) throws Exception {
        CompletableFuture<ClusterWorker> self = new CompletableFuture<>();
        CompletableFuture<String> gone = new CompletableFuture<>();
        CompletableFuture<HttpServer> server = new CompletableFuture<>();
        ActorRef<WorkerEvent> inbox = system.spawn((ctx, event) -> {
            if (event instanceof WorkerEvent.Disconnect) {
                server.join().shutdown(Duration.ofSeconds(10)).thenRun(() -> {
                    // after its listener closed: its output still goes where it went (a shared
                    // socket's channel closing must not take stdout with it)
                    System.out.println("pid " + ProcessHandle.current().pid() + " drained");
                    System.out.flush();
                    self.join().close();
                });
            } else if (event instanceof WorkerEvent.PrimaryGone(var cause)) {
                gone.complete(String.valueOf(cause));
            } else if (event instanceof WorkerEvent.Message(byte[] bytes)) {
                self.join().send(bytes); // echoed, as in echo mode
            }
            return Behavior.same();
        }, "http-inbox");
        ClusterWorker worker = Cluster.joinAsWorker(system, CONFIG, inbox);
        self.complete(worker);
        String hello = "worker " + worker.id() + " pid " + ProcessHandle.current().pid();
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        Router router = Router.to(system.spawn((ctx, request) -> {
            request.respond(200, "text/plain", hello);
            return Behavior.same();
        }, "hello"));
        server.complete(worker.serve(io, address, HttpServerOptions.defaults(), router));
        System.out.println("pid " + ProcessHandle.current().pid() + " serves");
        System.out.flush();
        worker.whenClosed().toCompletableFuture().join();
        // Said in the worker's log, here on the main thread before the JVM ends (an actor's print
        // can be cut off by the exit): a link closed by the primary is a test failure to explain.
        String cause;
        try {
            cause = gone.get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            cause = "(no PrimaryGone within 2 s)";
        }
        System.out.println("pid " + ProcessHandle.current().pid() + " link closed; primary gone: " + cause);
        System.out.flush();
    }
}
