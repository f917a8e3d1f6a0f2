package dev.spindle.perf.http;

import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.MailboxSpec;
import dev.spindle.actors.SpawnOptions;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import dev.spindle.io.TcpConnection;
import dev.spindle.io.TcpEvent;
import dev.spindle.io.TcpOptions;
import dev.spindle.io.http.HttpMethod;
import dev.spindle.io.http.HttpRequest;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * The Spindle side of {@link HttpComparison}: HTTP on {@code port}, TCP echo on {@code port + 1},
 * one io loop (like with like: Vert.x gets one event loop). Each route is an actor.
 * Run: {@code java -cp perf/target/benchmarks.jar dev.spindle.perf.http.SpindleHttpServer 8080}
 */
public final class SpindleHttpServer {

    /** The CPU route's protocol: requests in, results of offloaded work back. */
    sealed interface Cpu {
        record Asked(HttpRequest request) implements Cpu {
        }

        record Done(HttpRequest request, long value) implements Cpu {
        }
    }

    private SpindleHttpServer() {
    }

    /** CPU work offloaded to a worker; its result comes back as a message and is answered. */
    static Behavior<Cpu> cpu() {
        return (ctx, msg) -> {
            switch (msg) {
                case Cpu.Asked(HttpRequest request) ->
                        ctx.offload(Routes::cpu, value -> new Cpu.Done(request, value), failure -> new Cpu.Done(request, -1));
                case Cpu.Done(HttpRequest request, long value) -> request.respond(200, "text/plain", Long.toString(value));
            }
            return Behavior.same();
        };
    }

    /**
     * One actor echoes every connection. With pooled reads ({@link #ECHO_OPTIONS}) each read is a
     * lent buffer written straight back: no copy, no allocation.
     */
    public static Behavior<TcpEvent> echo() {
        return (ctx, event) -> {
            switch (event) {
                case TcpEvent.Accepted(var listener, TcpConnection connection) -> connection.register(ctx.self());
                case TcpEvent.Data data -> data.connection().write(data);
                case TcpEvent.Received(TcpConnection connection, byte[] data) -> connection.write(data);
                default -> {
                }
            }
            return Behavior.same();
        };
    }

    /** The echo listener's options: reads lent from the loop's pool. */
    public static final TcpOptions ECHO_OPTIONS = TcpOptions.defaults().withPooledReads(true);

    /**
     * The busy actors' mailbox: a pre-allocated ring, which takes a message without allocating (the
     * default unbounded mailbox allocates a 32-slot chunk per 32 messages); a full ring refuses, and
     * a refused HTTP request is answered 503. {@code -Dspindle.bench.mailbox=unbounded} for the default.
     */
    public static final SpawnOptions BUSY = System.getProperty("spindle.bench.mailbox", "ring").equals("ring")
            ? SpawnOptions.defaults().withMailbox(MailboxSpec.ring(4096)) : SpawnOptions.defaults();

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int loops = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        ActorSystem system = ActorSystem.create("http-bench");
        Io io = Io.create(IoConfig.defaults().withLoops(loops));
        Router router = Router.builder()
                .get("/plaintext", system.spawn((ctx, request) -> {
                    request.respond(200, "text/plain", Routes.HELLO);
                    return Behavior.same();
                }, "plaintext", BUSY))
                .get("/json", system.spawn((ctx, request) -> {
                    request.respond(200, "application/json", Routes.json());
                    return Behavior.same();
                }, "json", BUSY))
                .get("/64k", system.spawn((ctx, request) -> {
                    request.respond(200, "application/octet-stream", Routes.BIG);
                    return Behavior.same();
                }, "big", BUSY))
                .route(HttpMethod.GET, "/cpu", system.spawn(cpu(), "cpu", BUSY), Cpu.Asked::new)
                .build();
        HttpServer.listen(io, new InetSocketAddress("127.0.0.1", port), HttpServerOptions.defaults(), router);
        io.listen(new InetSocketAddress("127.0.0.1", port + 1), ECHO_OPTIONS,
                system.spawn(echo(), "echo", BUSY));
        System.out.println("READY spindle " + port);
        new CountDownLatch(1).await();
    }
}
