package dev.spindle.io.http;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import dev.spindle.io.TcpConnection;
import dev.spindle.io.TcpEvent;
import dev.spindle.io.TcpListener;
import dev.spindle.io.TcpOptions;
import dev.spindle.io.tls.KeySource;
import dev.spindle.io.tls.TlsServerContext;
import dev.spindle.io.tls.TlsServerOptions;
import dev.spindle.io.tls.TlsStats;

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
 * the process holds. Beside it, on the same loop, a plain TCP listener (a door, like the chat's)
 * that holds every connection it is given and echoes what they send. Prints {@code TCPPORT n},
 * then {@code PORT n} once both listen; ends when its standard input does (so it never outlives
 * the test that started it).
 *
 * <p>Arguments: maxBodySize in bytes, then head, body and idle timeouts in milliseconds, then the
 * TCP door's maxConnections; then, to serve HTTPS (the door stays plaintext), a PKCS12 key store
 * file, its password, and the TLS handshake timeout in milliseconds. {@code /stats} then also
 * tells the TLS counts ({@code tls...}; zero without TLS).
 */
final class ServerUnderAttack {

    private static final byte[] BIG = new byte[64 * 1024];
    private static volatile TcpListener tcp;

    private ServerUnderAttack() {
    }

    public static void main(String[] args) throws Exception {
        HttpServerOptions options = HttpServerOptions.defaults()
                .withMaxBodySize(Integer.parseInt(args[0]))
                .withHeadTimeout(Duration.ofMillis(Long.parseLong(args[1])))
                .withBodyTimeout(Duration.ofMillis(Long.parseLong(args[2])))
                .withIdleTimeout(Duration.ofMillis(Long.parseLong(args[3])));
        if (args.length > 5) {
            TlsServerOptions tls = TlsServerOptions.of(KeySource.keyStoreFile(Path.of(args[5]), args[6].toCharArray(), null))
                    .withHandshakeTimeout(Duration.ofMillis(Long.parseLong(args[7])));
            options = options.withTls(TlsServerContext.create(tls));
        }
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
            Behavior<TcpEvent> echo = (ctx, event) -> {
                switch (event) {
                    case TcpEvent.Accepted(var from, TcpConnection connection) -> connection.register(ctx.self());
                    case TcpEvent.Received(TcpConnection connection, byte[] data) -> connection.write(data);
                    default -> {
                    }
                }
                return Behavior.same();
            };
            TcpListener door = io.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    TcpOptions.defaults().withMaxConnections(Integer.parseInt(args[4])), system.spawn(echo, "door"));
            tcp = door;
            System.out.println("TCPPORT " + door.localAddress().getPort());
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
                + "\nloopFailures=" + io.loopFailures() + "\ntcpOpen=" + tcp.stats().openConnections()
                + "\ntcpAccepted=" + tcp.stats().accepted() + "\ntcpRefused=" + tcp.stats().refused()
                + "\nopenFilesLimit=" + openFilesLimit() + tlsStats(server.tlsStats()) + "\n";
    }

    private static String tlsStats(TlsStats tls) {
        return "\ntlsHandshakes=" + tls.handshakes() + "\ntlsFailed=" + tls.failed() + "\ntlsTimedOut=" + tls.timedOut()
                + "\ntlsOversized=" + tls.oversized() + "\ntlsPlaintextRefused=" + tls.plaintextRefused()
                + "\ntlsRenegotiationRefused=" + tls.renegotiationRefused() + "\ntlsBadRecords=" + tls.badRecords();
    }

    /** {@return the soft limit on open files, from /proc (-1 where there is none, or none is set)} */
    private static long openFilesLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? -1 : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
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
