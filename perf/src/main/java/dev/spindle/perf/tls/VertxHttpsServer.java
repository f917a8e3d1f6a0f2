package dev.spindle.perf.tls;

import dev.spindle.perf.http.Routes;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs on Vert.x's one event loop; {@code main} blocks for ever. The Vert.x side of
 * {@link HttpsComparison}: HTTPS on {@code port} ({@code /plaintext}, {@code /json}, as
 * {@code VertxHttpServer} answers them over plain HTTP) and a TLS echo {@code NetServer} on
 * {@code port + 1}, both on the JDK's {@code SSLEngine} ({@link JdkSSLEngineOptions}), with the PEM
 * certificate and key given, TLS 1.2 and 1.3 enabled (Vert.x's default; clients here offer 1.3), ALPN
 * {@code http/1.1} only.
 *
 * <p>{@code java ... VertxHttpsServer PORT CERT.pem KEY.pem}
 */
public final class VertxHttpsServer {

    private VertxHttpsServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        PemKeyCertOptions key = new PemKeyCertOptions().setCertPath(args[1]).setKeyPath(args[2]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        Buffer hello = Buffer.buffer(Routes.HELLO);
        CountDownLatch listening = new CountDownLatch(2);
        HttpServerOptions https = new HttpServerOptions().setTcpNoDelay(true).setSsl(true).setKeyCertOptions(key)
                .setSslEngineOptions(new JdkSSLEngineOptions()).setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_1_1));
        vertx.createHttpServer(https).requestHandler(request -> {
            switch (request.path()) {
                case "/plaintext" -> request.response().putHeader("Content-Type", "text/plain").end(hello);
                case "/json" -> request.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(Routes.json()));
                default -> request.response().setStatusCode(404).end();
            }
        }).listen(port, "127.0.0.1").onSuccess(s -> listening.countDown()).onFailure(VertxHttpsServer::cannotListen);
        NetServerOptions echo = new NetServerOptions().setTcpNoDelay(true).setSsl(true).setKeyCertOptions(key)
                .setSslEngineOptions(new JdkSSLEngineOptions());
        vertx.createNetServer(echo).connectHandler(socket -> socket.handler(socket::write))
                .listen(port + 1, "127.0.0.1").onSuccess(s -> listening.countDown()).onFailure(VertxHttpsServer::cannotListen);
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
