package dev.spindle.samples.tour;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.io.Io;
import dev.spindle.io.http.ClientRequest;
import dev.spindle.io.http.HttpClient;
import dev.spindle.io.http.HttpClientEvent;
import dev.spindle.io.http.HttpClientOptions;
import dev.spindle.io.http.HttpRequest;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

public final class FirstHttpServer {

    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("port", 8080);
        try (ActorSystem system = ActorSystem.create("web");
                Io io = Io.create(); // one event loop per core
                HttpClient client = HttpClient.create(io, HttpClientOptions.defaults())) {
            // A route is an actor; its turn runs on the loop that read the request.
            ActorRef<HttpRequest> hello = system.spawn((ctx, request) -> {
                request.respond(200, "text/plain", "Hello, " + request.pathParam("name") + "\n");
                return Behavior.same();
            }, "hello");
            Router router = Router.builder().get("/hello/:name", hello).build();
            HttpServer server = HttpServer.listen(io, new InetSocketAddress(port),
                    HttpServerOptions.defaults(), router);
            String url = "http://localhost:" + server.localAddress().getPort() + "/hello/";
            System.out.println("serving: curl " + url + "you");

            // The client never blocks either: its answer comes to an actor as a message.
            ActorRef<HttpClientEvent> printer = system.spawn((ctx, event) -> {
                switch (event) {
                    case HttpClientEvent.Response answer -> System.out.print(
                            "the client got " + answer.status() + ": " + answer.bodyAsString());
                    case HttpClientEvent.Failed failed ->
                            System.out.println("the client failed: " + failed.cause());
                    default -> { } // the events of streamed answers: none asked for
                }
                return Behavior.same();
            }, "printer");
            client.send(ClientRequest.get(url + "client"), printer);

            // Serve until Ctrl-C or SIGTERM.
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
    }
}
