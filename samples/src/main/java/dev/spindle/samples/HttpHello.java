package dev.spindle.samples;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.Cancellable;
import dev.spindle.io.Io;
import dev.spindle.io.http.HttpMethod;
import dev.spindle.io.http.HttpRequest;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.RequestBodyEvent;
import dev.spindle.io.http.RequestBodyStream;
import dev.spindle.io.http.ResponseWriter;
import dev.spindle.io.http.ResponseWriterEvent;
import dev.spindle.io.http.Router;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * A small HTTP server: each route is an actor, requests arrive as messages, answers go back with
 * {@code respond}. A handler may block (see {@code /slow}) or offload CPU work to a worker
 * ({@code /fib/:n}, n from 0 to 39; the work stops if the client leaves) without holding up anyone else. Run, then try it with curl:
 * <pre>
 * ./run HttpHello
 * curl -i localhost:8080/hello
 * curl localhost:8080/users/42
 * curl localhost:8080/fib/30
 * curl -X POST --data-binary 'count my bytes' localhost:8080/count
 * curl localhost:8080/slow       # sleeps a second; other requests are served meanwhile
 * curl -N localhost:8080/events   # Server-Sent Events: the time, every second, until Ctrl-C
 * curl -T some-big-file localhost:8080/upload   # read at the handler's pace, any size
 * </pre>
 * {@code -Dport=N} picks another port; Ctrl-C stops it.
 */
public final class HttpHello {

    /** The Fibonacci actor's protocol: requests from the router, results from its workers, what happens to each answer. */
    sealed interface Fib {
        record Asked(HttpRequest request) implements Fib {
        }

        record Computed(ResponseWriter answer, int n, long value) implements Fib {
        }

        record Failed(ResponseWriter answer, Throwable cause) implements Fib {
        }

        record Answer(ResponseWriterEvent event) implements Fib {
        }
    }

    /** The largest n of {@code /fib/:n}: fib(39) is about 0.6 s of CPU on a small VM, fib(40) over a second. */
    static final int MAX_FIB = 39;

    /** The clock's protocol: subscribers (requests), its own ticks, and what happens to each stream. */
    sealed interface Clock {
        record Subscribe(HttpRequest request) implements Clock {
        }

        record Tick() implements Clock {
        }

        record Stream(ResponseWriterEvent event) implements Clock {
        }
    }

    /** The upload reader's protocol: requests, and the parts of each body. */
    sealed interface Upload {
        record Asked(HttpRequest request) implements Upload {
        }

        record Part(RequestBodyEvent event) implements Upload {
        }
    }

    private HttpHello() {
    }

    /**
     * Server-Sent Events: every subscriber gets the time once a second. A subscriber that does not
     * read is dropped when its stream passes the high-water mark, not buffered without end.
     */
    static Behavior<Clock> clock() {
        return Behavior.setup(ctx -> {
            Set<ResponseWriter> streams = new HashSet<>();
            ctx.setInterval(Duration.ofSeconds(1), new Clock.Tick());
            return (c, msg) -> {
                switch (msg) {
                    case Clock.Subscribe(HttpRequest request) -> {
                        ResponseWriter stream = request.response().header("Content-Type", "text/event-stream")
                                .header("Cache-Control", "no-cache").stream(ctx.self(), Clock.Stream::new);
                        stream.write("data: hello, " + streams.size() + " others are listening\n\n");
                        streams.add(stream);
                    }
                    case Clock.Tick() -> {
                        String event = "data: " + Instant.now() + "\n\n";
                        for (ResponseWriter stream : List.copyOf(streams)) {
                            if (!stream.write(event)) {
                                stream.abort(); // too slow a reader: drop it
                                streams.remove(stream);
                            }
                        }
                    }
                    case Clock.Stream(ResponseWriterEvent.Closed closed) -> streams.remove(closed.writer());
                    case Clock.Stream(ResponseWriterEvent.Drained drained) -> {
                        // Never waited for: a writer past the mark was dropped.
                    }
                }
                return Behavior.same();
            };
        });
    }

    /** Reads an upload at its own pace, one chunk at a time, and answers its size and CRC-32. */
    static Behavior<Upload> uploads() {
        return Behavior.setup(ctx -> {
            Map<RequestBodyStream, HttpRequest> reading = new HashMap<>();
            Map<RequestBodyStream, CRC32> sums = new HashMap<>();
            return (c, msg) -> {
                switch (msg) {
                    case Upload.Asked(HttpRequest request) when !request.bodyStreamed() ->
                            request.respond(200, "text/plain", "0 bytes, crc32 0\n");
                    case Upload.Asked(HttpRequest request) -> {
                        RequestBodyStream body = request.streamBody(ctx.self(), Upload.Part::new);
                        reading.put(body, request);
                        sums.put(body, new CRC32());
                    }
                    case Upload.Part(RequestBodyEvent.Chunk chunk) -> {
                        sums.get(chunk.stream()).update(chunk.data());
                        chunk.stream().request(1);
                    }
                    case Upload.Part(RequestBodyEvent.End end) -> reading.remove(end.stream()).respond(200, "text/plain",
                            end.size() + " bytes, crc32 " + Long.toHexString(sums.remove(end.stream()).getValue()) + "\n");
                    case Upload.Part(RequestBodyEvent.Failed failed) -> {
                        sums.remove(failed.stream());
                        HttpRequest request = reading.remove(failed.stream());
                        if (request != null) {
                            request.respond(400, "text/plain", failed.cause().getMessage() + "\n");
                        }
                    }
                }
                return Behavior.same();
            };
        });
    }

    static Behavior<HttpRequest> hello() {
        return (ctx, request) -> {
            request.respond(200, "text/plain", "Hello, World!");
            return Behavior.same();
        };
    }

    static Behavior<HttpRequest> users() {
        return (ctx, request) -> {
            String id = request.pathParam("id");
            request.respond(200, "application/json", "{\"id\":\"" + id.replaceAll("[^A-Za-z0-9_-]", "") + "\"}");
            return Behavior.same();
        };
    }

    /** Counts the bytes of a POSTed body, and keeps a running total: state no other thread touches. */
    static Behavior<HttpRequest> counter() {
        long[] total = {0};
        return (ctx, request) -> {
            total[0] += request.bodyLength();
            request.respond(200, "text/plain", request.bodyLength() + " bytes (" + total[0] + " so far)\n");
            return Behavior.same();
        };
    }

    /** Blocks its own virtual thread for a second: only this actor waits. */
    static Behavior<HttpRequest> slow() {
        return (ctx, request) -> {
            Thread.sleep(1000);
            request.respond(200, "text/plain", "slept a second\n");
            return Behavior.same();
        };
    }

    /**
     * CPU work goes to a worker; the result comes back as a message, and the actor answers. The
     * answer is streamed, its head sent at once, because a streamed answer is told when its client
     * leaves ({@link ResponseWriterEvent.Closed}) and a plain one is not: then the work is
     * cancelled (its worker interrupted) and counted in {@code abandoned}.
     */
    static Behavior<Fib> fibonacci(AtomicLong abandoned) {
        return Behavior.setup(ctx -> {
            Map<ResponseWriter, Cancellable> computing = new HashMap<>();
            return (c, msg) -> {
                switch (msg) {
                    case Fib.Asked(HttpRequest request) -> {
                        int n = parse(request.pathParam("n"));
                        if (n < 0 || n > MAX_FIB) {
                            request.respond(400, "text/plain", "n must be a whole number from 0 to " + MAX_FIB + "\n");
                            return Behavior.same();
                        }
                        ResponseWriter answer = request.response().header("Content-Type", "text/plain; charset=utf-8")
                                .stream(c.self(), Fib.Answer::new);
                        computing.put(answer, c.offload(() -> fib(n), value -> new Fib.Computed(answer, n, value),
                                failure -> new Fib.Failed(answer, failure)));
                    }
                    case Fib.Computed(ResponseWriter answer, int n, long value) -> {
                        computing.remove(answer);
                        answer.write("fib(" + n + ") = " + value + "\n");
                        answer.end();
                    }
                    case Fib.Failed(ResponseWriter answer, Throwable cause) -> {
                        computing.remove(answer);
                        c.log().warn("fib failed", cause);
                        answer.abort(); // the head said 200: a reset tells the client this is no answer
                    }
                    case Fib.Answer(ResponseWriterEvent.Closed closed) -> {
                        Cancellable work = computing.remove(closed.writer());
                        if (work != null && work.cancel()) {
                            abandoned.incrementAndGet();
                            c.log().info("a client left before its fib was computed: stopped");
                        }
                    }
                    case Fib.Answer(ResponseWriterEvent.Drained drained) -> {
                        // one line: never past the high-water mark
                    }
                }
                return Behavior.same();
            };
        });
    }

    /** The naive recursion, on purpose (CPU work); it throws once its thread is interrupted. */
    static long fib(int n) {
        if (n > 20 && Thread.currentThread().isInterrupted()) { // about 1 call in 10,000 looks
            throw new CancellationException("interrupted");
        }
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }

    /** {@return {@code s} as a number from 0, or -1 if it is none} */
    private static int parse(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Starts the server on {@code port} (0: any free one) and returns it. */
    static HttpServer start(ActorSystem system, Io io, int port) throws java.io.IOException {
        ActorRef<HttpRequest> hello = system.spawn(hello(), "hello");
        ActorRef<Fib> fib = system.spawn(fibonacci(new AtomicLong()), "fib");
        ActorRef<Upload> uploads = system.spawn(uploads(), "uploads");
        Router router = Router.builder()
                .get("/", hello)
                .get("/hello", hello)
                .get("/users/:id", system.spawn(users(), "users"))
                .route(HttpMethod.GET, "/fib/:n", fib, Fib.Asked::new)
                .post("/count", system.spawn(counter(), "counter"))
                .get("/slow", system.spawn(slow(), "slow"))
                .route(HttpMethod.GET, "/events", system.spawn(clock(), "clock"), Clock.Subscribe::new)
                .route(HttpMethod.PUT, "/upload", uploads, Upload.Asked::new).streamingBody()
                .route(HttpMethod.POST, "/upload", uploads, Upload.Asked::new).streamingBody()
                .build();
        return HttpServer.listen(io, new InetSocketAddress(port), HttpsFromProperties.apply(HttpServerOptions.defaults()), router);
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("port", 8080);
        StopSignal.run(stop -> {
            try (ActorSystem system = ActorSystem.create("http-hello"); Io io = Io.create()) {
                HttpServer server = start(system, io, port);
                org.slf4j.LoggerFactory.getLogger(HttpHello.class).info(
                        "listening on {}://localhost:{}/ (try /hello, /users/42, /fib/30, POST /count, /slow, /events, PUT /upload); Ctrl-C stops",
                        HttpsFromProperties.scheme(), server.localAddress().getPort());
                stop.await();
            }
        });
    }
}
