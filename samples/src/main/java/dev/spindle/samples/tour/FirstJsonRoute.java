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
import dev.spindle.json.JsonBody;
import dev.spindle.json.JsonCodec;
import dev.spindle.json.JsonProblem;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

public final class FirstJsonRoute {

    record Greeting(String name, int times) {}

    record Reply(String text) {}

    public static void main(String[] args) throws Exception {
        JsonCodec json = JsonCodec.create(); // thread-safe: one for the whole application
        try (ActorSystem system = ActorSystem.create("json");
                Io io = Io.create();
                HttpClient client = HttpClient.create(io, HttpClientOptions.defaults())) {
            ActorRef<HttpRequest> greeter = system.spawn((ctx, request) -> {
                switch (json.read(request, Greeting.class)) {
                    case JsonBody.Valid(Greeting g) ->
                            json.respond(request, 200, new Reply(("hello " + g.name() + " ").repeat(g.times()).strip()));
                    case JsonBody.Invalid(JsonProblem problem) -> problem.respond(request); // 400 or 415
                }
                return Behavior.same();
            }, "greeter");
            HttpServer server = HttpServer.listen(io, new InetSocketAddress(Integer.getInteger("port", 8080)),
                    HttpServerOptions.defaults(), Router.builder().post("/greet", greeter).build());
            String url = "http://localhost:" + server.localAddress().getPort() + "/greet";

            // The client reads JSON answers the same way.
            CountDownLatch answered = new CountDownLatch(2);
            ActorRef<HttpClientEvent> printer = system.spawn((ctx, event) -> {
                if (event instanceof HttpClientEvent.Response answer && answer.status() == 200) {
                    switch (json.read(answer, Reply.class)) {
                        case JsonBody.Valid(Reply reply) -> System.out.println("200: " + reply.text());
                        case JsonBody.Invalid(JsonProblem problem) -> System.out.println("not a reply: " + problem);
                    }
                } else if (event instanceof HttpClientEvent.Response answer) {
                    System.out.println(answer.status() + ": " + answer.bodyAsString());
                } else {
                    System.out.println("failed: " + event);
                }
                answered.countDown();
                return Behavior.same();
            }, "printer");
            client.send(json.post(url, new Greeting("ann", 2)), printer);
            client.send(ClientRequest.post(url, "{\"name\": \"bob\", \"times\": }".getBytes(StandardCharsets.UTF_8))
                    .withHeader("Content-Type", "application/json"), printer);
            answered.await();
            server.close();
        }
    }
}
