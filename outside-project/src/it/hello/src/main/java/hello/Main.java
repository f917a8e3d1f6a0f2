package hello;

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
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A project outside Spindle's build, as a user writes one: a hello actor and an HTTP route. */
public final class Main {

    /** What the greeter understands. */
    sealed interface Greeter {
        record Greet(String name, ActorRef<String> replyTo) implements Greeter {}
    }

    public static void main(String[] args) throws Exception {
        try (ActorSystem system = ActorSystem.create("outside"); Io io = Io.create()) {
            ActorRef<Greeter> greeter = system.spawn((ctx, message) -> switch (message) {
                case Greeter.Greet(String name, ActorRef<String> replyTo) -> {
                    replyTo.tell("Hello, " + name);
                    yield Behavior.same();
                }
            }, "greeter");
            String greeting = greeter.<String>ask(replyTo -> new Greeter.Greet("actor", replyTo), Duration.ofSeconds(10))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            System.out.println("hello actor: " + greeting);

            ActorRef<HttpRequest> hello = system.spawn((ctx, request) -> {
                request.respond(200, "text/plain", "Hello, " + request.pathParam("name"));
                return Behavior.same();
            }, "hello");
            HttpServer server = HttpServer.listen(io, new InetSocketAddress("127.0.0.1", 0), HttpServerOptions.defaults(),
                    Router.builder().get("/hello/:name", hello).build());
            CompletableFuture<HttpClientEvent> answer = new CompletableFuture<>();
            ActorRef<HttpClientEvent> receiver = system.spawn((ctx, event) -> {
                answer.complete(event);
                return Behavior.stopped();
            }, "receiver");
            try (HttpClient client = HttpClient.create(io, HttpClientOptions.defaults())) {
                client.send(ClientRequest.get("http://127.0.0.1:" + server.localAddress().getPort() + "/hello/route"), receiver);
                switch (answer.get(10, TimeUnit.SECONDS)) {
                    case HttpClientEvent.Response response ->
                            System.out.println("http route: " + response.status() + " " + response.bodyAsString());
                    case HttpClientEvent other -> throw new IllegalStateException("no answer: " + other);
                }
            } finally {
                server.close();
            }
        }
    }
}
