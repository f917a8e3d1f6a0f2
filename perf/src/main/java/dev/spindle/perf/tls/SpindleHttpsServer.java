package dev.spindle.perf.tls;

import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;
import dev.spindle.io.tls.TlsServerContext;
import dev.spindle.io.tls.TlsServerOptions;
import dev.spindle.perf.http.Routes;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs on one io loop; {@code main} blocks for ever. The Spindle side of {@link HttpsComparison}:
 * HTTPS on {@code port} ({@code /plaintext}, {@code /json}, each route an actor with a ring mailbox,
 * as {@code SpindleHttpServer} answers them over plain HTTP) and a TLS echo on {@code port + 1}
 * (pooled reads lent and written back), both with the PEM certificate and key given, through one
 * {@link TlsServerContext}: TLS 1.3 and 1.2, ALPN {@code http/1.1}.
 *
 * <p>{@code java ... SpindleHttpsServer PORT CERT.pem KEY.pem}
 */
public final class SpindleHttpsServer {

    private SpindleHttpsServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        TlsServerContext tls = TlsServerContext.create(TlsServerOptions.pem(Path.of(args[1]), Path.of(args[2])));
        ActorSystem system = ActorSystem.create("https-bench");
        Io io = Io.create(IoConfig.defaults().withLoops(1));
        Router router = Router.builder()
                .get("/plaintext", system.spawn((ctx, request) -> {
                    request.respond(200, "text/plain", Routes.HELLO);
                    return Behavior.same();
                }, "plaintext", dev.spindle.perf.http.SpindleHttpServer.BUSY))
                .get("/json", system.spawn((ctx, request) -> {
                    request.respond(200, "application/json", Routes.json());
                    return Behavior.same();
                }, "json", dev.spindle.perf.http.SpindleHttpServer.BUSY))
                .build();
        HttpServer.listen(io, new InetSocketAddress("127.0.0.1", port), HttpServerOptions.defaults().withTls(tls), router);
        io.listen(new InetSocketAddress("127.0.0.1", port + 1), dev.spindle.perf.http.SpindleHttpServer.ECHO_OPTIONS.withTls(tls),
                system.spawn(dev.spindle.perf.http.SpindleHttpServer.echo(), "echo", dev.spindle.perf.http.SpindleHttpServer.BUSY));
        System.out.println("READY spindle " + port);
        new CountDownLatch(1).await();
    }
}
