package dev.spindle.perf.http;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetServerOptions;

import java.util.concurrent.CountDownLatch;

/**
 * The Vert.x side of {@link HttpComparison}: HTTP on {@code port}, {@code NetServer} echo on
 * {@code port + 1}, one event loop; the CPU route uses {@code executeBlocking}, Vert.x's worker pool.
 */
public final class VertxHttpServer {

    private VertxHttpServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int loops = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        Buffer hello = Buffer.buffer(Routes.HELLO);
        Buffer big = Buffer.buffer(Routes.BIG);
        CountDownLatch listening = new CountDownLatch(2);
        vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)).requestHandler(request -> {
            switch (request.path()) {
                case "/plaintext" -> request.response().putHeader("Content-Type", "text/plain").end(hello);
                case "/json" -> request.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(Routes.json()));
                case "/64k" -> request.response().putHeader("Content-Type", "application/octet-stream").end(big);
                case "/cpu" -> vertx.executeBlocking(Routes::cpu, false).onComplete(result ->
                        request.response().putHeader("Content-Type", "text/plain").end(Long.toString(result.result())));
                default -> request.response().setStatusCode(404).end();
            }
        }).listen(port, "127.0.0.1").onSuccess(s -> listening.countDown()).onFailure(VertxHttpServer::cannotListen);
        vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true))
                .connectHandler(socket -> socket.handler(socket::write))
                .listen(port + 1, "127.0.0.1").onSuccess(s -> listening.countDown()).onFailure(VertxHttpServer::cannotListen);
        listening.await();
        System.out.println("READY vertx " + port);
        new CountDownLatch(1).await();
    }

    /** Says why and ends: the harness waiting for READY sees the process end instead of waiting for ever. */
    private static void cannotListen(Throwable failure) {
        System.out.println("vertx cannot listen: " + failure);
        System.out.flush();
        System.exit(2);
    }
}
