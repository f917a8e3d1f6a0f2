package dev.spindle.io.http;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Main thread, then the server's. The server the hostile-client tests attack, in a JVM of its own
 * with a small heap: one io loop, the limits from its arguments, and routes that answer
 * {@code /hello}, echo the length of a {@code POST /echo} body, send 64 KiB for {@code /big},
 * and tell {@code /stats} (after a garbage collection) what the server counted and what memory
 * the process holds. Prints {@code PORT n} once it listens; ends when its standard input does
 * (so it never outlives the test that started it).
 *
 * <p>Arguments: maxBodySize in bytes, then head, body and idle timeouts in milliseconds.
 */
final class ServerUnderAttack {

    private static final byte[] BIG = new byte[64 * 1024];

    private ServerUnderAttack() {
    }

    public static void main(String[] args) throws Exception {
        HttpServerOptions options = HttpServerOptions.defaults()
                .withMaxBodySize(Integer.parseInt(args[0]))
                .withHeadTimeout(Duration.ofMillis(Long.parseLong(args[1])))
                .withBodyTimeout(Duration.ofMillis(Long.parseLong(args[2])))
                .withIdleTimeout(Duration.ofMillis(Long.parseLong(args[3])));
        try (ActorSystem system = ActorSystem.create("under-attack"); Io io = Io.create(IoConfig.defaults().withLoops(1))) {
            HttpServer[] server = new HttpServer[1];
            Behavior<HttpRequest> routes = (ctx, request) -> {
                switch (request.path()) {
                    case "/hello" -> request.respond(200, "text/plain", "hello");
                    case "/echo" -> request.respond(200, "text/plain", Integer.toString(request.bodyLength()));
                    case "/big" -> request.respond(200, "application/octet-stream", BIG);
                    case "/stats" -> request.respond(200, "text/plain", stats(server[0], io));
                    default -> request.respond(404);
                }
                return Behavior.same();
            };
            ActorRef<HttpRequest> app = system.spawn(routes, "app");
            Router router = Router.builder().get("/hello", app).post("/echo", app).get("/big", app).get("/stats", app).build();
            server[0] = HttpServer.listen(io, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), options, router);
            System.out.println("PORT " + server[0].localAddress().getPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // Until the test closes our standard input (or dies).
            }
        }
    }

    /** {@return the server's counts, the heap used after a collection, and the resident set, as name=value lines} */
    private static String stats(HttpServer server, Io io) {
        System.gc();
        HttpServerStats s = server.stats();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return "open=" + s.openConnections() + "\naccepted=" + s.accepted() + "\nrequests=" + s.requests()
                + "\nrejected=" + s.rejected() + "\ntimedOut=" + s.timedOut() + "\nidleClosed=" + s.idleClosed()
                + "\nunreadClosed=" + s.unreadClosed() + "\nheapAfterGc=" + heap + "\nrss=" + rss()
                + "\nloopFailures=" + io.loopFailures() + "\n";
    }

    /** {@return the resident set size in bytes, from /proc (0 where there is none)} */
    private static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
