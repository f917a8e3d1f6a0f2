package dev.spindle.json;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.actors.testkit.TestProbe;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import dev.spindle.io.http.ClientRequest;
import dev.spindle.io.http.HttpClient;
import dev.spindle.io.http.HttpClientEvent;
import dev.spindle.io.http.HttpClientOptions;
import dev.spindle.io.http.HttpRequest;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.InvalidDefinitionException;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The codec as a route and a client use it: a real {@link HttpServer} and {@link HttpClient} on 127.0.0.1. */
class JsonCodecTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** What the greeting route reads; public, as a user's API types usually are. */
    public record Greeting(String name, int times) {
    }

    /** What it answers. */
    public record Reply(String text, List<String> lines) {
    }

    /** The shape of a 400 or 415 answer, as a client reads it. */
    public record Problem(String error, Integer line, Integer column, String path) {
    }

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create(IoConfig.defaults().withLoops(1));
    private final JsonCodec json = JsonCodec.create();
    private HttpClient client;
    private TestProbe<HttpClientEvent> probe;

    @BeforeEach
    void client() {
        client = HttpClient.create(io, HttpClientOptions.defaults());
        probe = kit.createProbe();
    }

    @AfterEach
    void close() {
        client.close();
        io.close();
        kit.close();
    }

    /** The route as a user writes it: read the record, answer with an object or the problem. */
    static Behavior<HttpRequest> greeter(JsonCodec json) {
        return (ctx, request) -> {
            switch (json.read(request, Greeting.class)) {
                case JsonBody.Valid(Greeting greeting) -> json.respond(request, 200,
                        new Reply("hello, " + greeting.name(), java.util.Collections.nCopies(greeting.times(), greeting.name())));
                case JsonBody.Invalid(JsonProblem problem) -> problem.respond(request);
            }
            return Behavior.same();
        };
    }

    private String start(JsonCodec codec) throws IOException {
        ActorRef<HttpRequest> greeter = kit.spawn(greeter(codec));
        Router router = Router.builder().post("/greet", greeter).build();
        HttpServer server = HttpServer.listen(io, ANY_PORT, HttpServerOptions.defaults(), router);
        return "http://127.0.0.1:" + server.localAddress().getPort();
    }

    private HttpClientEvent.Response send(ClientRequest request) {
        client.send(request, probe.ref());
        HttpClientEvent event = probe.receiveMessage();
        assertThat(event).isInstanceOf(HttpClientEvent.Response.class);
        return (HttpClientEvent.Response) event;
    }

    private HttpClientEvent.Response post(String uri, String body, String contentType) {
        ClientRequest request = ClientRequest.post(uri, body.getBytes(StandardCharsets.UTF_8));
        return send(contentType == null ? request : request.withHeader("Content-Type", contentType));
    }

    /** {@return the problem a 4xx answer carries, read as a client would} */
    private Problem problem(HttpClientEvent.Response response) {
        assertThat(response.headers().first("Content-Type")).isEqualTo("application/json");
        return switch (json.read(response, Problem.class)) {
            case JsonBody.Valid(Problem problem) -> problem;
            case JsonBody.Invalid(JsonProblem problem) -> throw new AssertionError("the answer is not JSON: " + problem);
        };
    }

    @Test
    void shouldReadARecordFromTheBodyAndAnswerWithJsonThatTheClientReadsBack() throws Exception {
        String base = start(json);

        HttpClientEvent.Response response = send(json.post(base + "/greet", new Greeting("ann", 2)));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().first("Content-Type")).isEqualTo("application/json");
        assertThat(response.bodyAsString()).isEqualTo("{\"text\":\"hello, ann\",\"lines\":[\"ann\",\"ann\"]}");
        assertThat(json.read(response, Reply.class)).isEqualTo(new JsonBody.Valid<>(new Reply("hello, ann", List.of("ann", "ann"))));
        assertThat(json.read(response, new TypeReference<Map<String, Object>>() { }))
                .isEqualTo(new JsonBody.Valid<>(Map.of("text", "hello, ann", "lines", List.of("ann", "ann"))));
    }

    @Test
    void shouldAnswerBadJsonWith400SayingOnWhichLineAndColumnAndWhat() throws Exception {
        String base = start(json);

        HttpClientEvent.Response response = post(base + "/greet", "{\"name\": \"ann\",\n \"times\": }", "application/json");

        assertThat(response.status()).isEqualTo(400);
        Problem problem = problem(response);
        assertThat(problem.line()).isEqualTo(2);
        assertThat(problem.column()).isEqualTo(11);
        assertThat(problem.error()).isEqualTo("invalid JSON at line 2, column 11: Unexpected character ('}' (code 125)): expected a value");
    }

    @Test
    void shouldCountColumnsInCharactersNotBytes() throws Exception {
        String base = start(json);

        // "é" is two bytes in UTF-8: the '[' is the 18th character of the line, its 19th byte.
        HttpClientEvent.Response response = post(base + "/greet", "{\"é\": 1, \"name\": [}", "application/json");

        assertThat(response.status()).isEqualTo(400);
        Problem problem = problem(response);
        assertThat(problem.column()).isEqualTo(18);
        assertThat(problem.path()).isEqualTo("/name");
        assertThat(problem.error()).startsWith("JSON at line 1, column 18 (/name) does not fit: Cannot deserialize value of type `String` from Array value");
    }

    @Test
    void shouldNameTheMemberThatDoesNotFitWithoutTheServersClassNames() throws Exception {
        String base = start(json);

        Problem wrongType = problem(post(base + "/greet", "{\"name\":\"ann\",\"times\":\"many\"}", "application/json"));
        Problem nullForInt = problem(post(base + "/greet", "{\"name\":\"ann\",\"times\":null}", "application/json"));
        Problem array = problem(post(base + "/greet", "[1, 2]", "application/json"));

        assertThat(wrongType.path()).isEqualTo("/times");
        assertThat(wrongType.error()).isEqualTo("JSON at line 1, column 23 (/times) does not fit: "
                + "Cannot deserialize value of type `int` from String \"many\": not a valid `int` value");
        assertThat(nullForInt.path()).isEqualTo("/times");
        assertThat(nullForInt.error()).endsWith("Cannot map `null` into type `int`");
        assertThat(array.path()).isNull();
        assertThat(array.error()).contains("`Greeting`", "from Array value")
                .doesNotContain("dev.spindle", "JsonCodecTest$");
    }

    @Test
    void shouldAnswerAnEmptyBodyNullAndTrailingBytesWith400() throws Exception {
        String base = start(json);

        HttpClientEvent.Response empty = post(base + "/greet", "", "application/json");
        HttpClientEvent.Response nothing = post(base + "/greet", "null", "application/json");
        HttpClientEvent.Response trailing = post(base + "/greet", "{\"name\":\"ann\",\"times\":1} {}", "application/json");
        HttpClientEvent.Response twice = post(base + "/greet", "{\"name\":\"ann\",\"name\":\"bob\"}", "application/json");

        assertThat(List.of(empty.status(), nothing.status(), trailing.status(), twice.status())).containsOnly(400);
        assertThat(problem(empty).error()).isEqualTo("invalid JSON at line 1, column 1: No content to map due to end-of-input");
        assertThat(problem(nothing).error()).isEqualTo("JSON at line 1, column 1 does not fit: expected `Greeting`, not null");
        assertThat(problem(trailing).error()).startsWith("JSON at line 1, column 26 does not fit: Trailing token");
        assertThat(problem(twice).error()).isEqualTo("invalid JSON at line 1, column 21: Duplicate Object property \"name\"");
        assertThat(json.problems()).as("counted by the server's codec (the client's reads here are valid)").isEqualTo(4);
    }

    @Test
    void shouldNeverEchoUnboundedInputBack() throws Exception {
        String base = start(json);
        String huge = "x".repeat(100_000);

        HttpClientEvent.Response token = post(base + "/greet", "{\"name\": " + huge + "}", "application/json");
        HttpClientEvent.Response value = post(base + "/greet", "{\"times\": \"" + huge + "\"}", "application/json");
        HttpClientEvent.Response name = post(base + "/greet", "{\"" + "n".repeat(1_000) + "\": [}", "application/json");

        for (HttpClientEvent.Response response : List.of(token, value, name)) {
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.body().length).as(response.bodyAsString()).isLessThan(JsonProblem.MAX_ERROR_LENGTH + 200);
            assertThat(problem(response).error()).hasSizeLessThanOrEqualTo(JsonProblem.MAX_ERROR_LENGTH);
        }
        assertThat(problem(token).error()).startsWith("invalid JSON at line 1, column 10: Unrecognized token 'xxxxxxxx")
                .endsWith("…");
        assertThat(problem(value).error()).as("a string read as a number is bounded as a number")
                .isEqualTo("invalid JSON at line 1, column 100013 (/times): Number value length (100000) exceeds the maximum allowed (100)");
    }

    @Test
    void shouldRefuseHostileShapesAtTheDefaultLimits() throws Exception {
        String base = start(JsonCodec.create());
        JsonOptions limits = JsonOptions.defaults();

        Problem deep = problem(post(base + "/greet", "{\"name\":\"a\",\"extra\":" + "[".repeat(limits.maxNestingDepth() + 1), null));
        Problem longNumber = problem(post(base + "/greet", "{\"times\":" + "9".repeat(limits.maxNumberLength() + 1) + "}", null));
        Problem longName = problem(post(base + "/greet", "{\"" + "n".repeat(limits.maxNameLength() + 1) + "\":1}", null));

        assertThat(deep.error()).isEqualTo("invalid JSON at line 1, column 85: Document nesting depth (65) exceeds the maximum allowed (64)");
        assertThat(longNumber.error()).contains("Number value length (101) exceeds the maximum allowed (100)");
        assertThat(longName.error()).contains("Name length (1025) exceeds the maximum allowed (1024)");
    }

    @Test
    void shouldApplyLimitsOfTheUsersChoice() throws Exception {
        String base = start(JsonCodec.create(JsonOptions.defaults().withMaxStringLength(10).withMaxNestingDepth(2)));

        assertThat(post(base + "/greet", "{\"name\":\"0123456789\"}", null).status()).isEqualTo(200);
        Problem longString = problem(post(base + "/greet", "{\"name\":\"0123456789A\"}", null));
        Problem deep = problem(post(base + "/greet", "{\"name\":\"a\",\"extra\":[[1]]}", null));

        assertThat(longString.error()).contains("String value length (11) exceeds the maximum allowed (10)");
        assertThat(deep.error()).contains("Document nesting depth (3) exceeds the maximum allowed (2)");
    }

    @Test
    void shouldTakeJsonMediaTypesOrNoneAndAnswerOtherContentTypesWith415() throws Exception {
        String base = start(json);
        String body = "{\"name\":\"ann\",\"times\":1}";

        for (String type : new String[] {null, "application/json", "Application/JSON; charset=utf-8", "application/problem+json"}) {
            assertThat(post(base + "/greet", body, type).status()).as(type).isEqualTo(200);
        }
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/jsonp", "text/json" + "x".repeat(500)}) {
            HttpClientEvent.Response response = post(base + "/greet", body, type);
            assertThat(response.status()).as(type).isEqualTo(415);
            Problem problem = problem(response);
            assertThat(problem.error()).startsWith("send the body as Content-Type: application/json, not ")
                    .hasSizeLessThanOrEqualTo(JsonProblem.MAX_ERROR_LENGTH);
            assertThat(problem.line()).isNull();
        }
    }

    @Test
    void shouldUseTheUsersOwnMapperAsItIs() throws Exception {
        JsonCodec strict = JsonCodec.using(JsonCodec.mapperBuilder(JsonOptions.defaults())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());
        String base = start(strict);

        Problem unknown = problem(post(base + "/greet", "{\"name\":\"ann\",\"age\":3}", null));

        assertThat(unknown.path()).isEqualTo("/age");
        assertThat(unknown.error()).contains("Unrecognized property \"age\"");
        assertThat(JsonCodec.create().read("{\"name\":\"ann\",\"age\":3}".getBytes(StandardCharsets.UTF_8), Greeting.class))
                .as("Jackson 3's default: unknown members are ignored").isEqualTo(new JsonBody.Valid<>(new Greeting("ann", 0)));
        assertThat(strict.mapper().tokenStreamFactory().streamReadConstraints().getMaxNestingDepth())
                .isEqualTo(JsonOptions.defaults().maxNestingDepth());
    }

    @Test
    void shouldRefuseToReadAStreamedBodyLoudly() throws Exception {
        TestProbe<String> failures = kit.createProbe();
        ActorRef<HttpRequest> reader = kit.spawn((ctx, request) -> {
            try {
                json.read(request, Greeting.class);
            } catch (IllegalStateException e) {
                failures.ref().tell(e.getMessage());
                throw e;
            }
            return Behavior.same();
        });
        Router router = Router.builder().post("/upload", reader).streamingBody().build();
        HttpServer server = HttpServer.listen(io, ANY_PORT, HttpServerOptions.defaults(), router);

        HttpClientEvent.Response response = post("http://127.0.0.1:" + server.localAddress().getPort() + "/upload",
                "{\"name\":\"ann\"}", "application/json");

        assertThat(failures.receiveMessage()).contains("streamed", "streamingBody");
        assertThat(response.status()).as("the handler failed: 500").isEqualTo(500);
    }

    @Test
    void shouldReadAResponseThatIsNotJsonAsAProblemOnTheClientSide() throws Exception {
        ActorRef<HttpRequest> html = kit.spawn((ctx, request) -> {
            request.respond(502, "text/html", "<html>bad gateway</html>");
            return Behavior.same();
        });
        HttpServer server = HttpServer.listen(io, ANY_PORT, HttpServerOptions.defaults(), Router.to(html));

        HttpClientEvent.Response response = send(ClientRequest.get("http://127.0.0.1:" + server.localAddress().getPort() + "/"));

        switch (json.read(response, JsonNode.class)) {
            case JsonBody.Valid(JsonNode node) -> throw new AssertionError("read as JSON: " + node);
            case JsonBody.Invalid(JsonProblem problem) -> {
                assertThat(problem.error()).startsWith("invalid JSON at line 1, column 1: Unexpected character ('<'");
                assertThat(problem.line()).isEqualTo(1);
            }
        }
    }

    /** A record that checks what it is given. */
    public record Order(String item, int quantity) {
        public Order {
            if (quantity < 1) {
                throw new IllegalArgumentException("quantity must be at least 1: " + quantity);
            }
        }
    }

    /** Nothing Jackson can make: no creator, no default constructor. */
    public static final class Unmakeable {
        public Unmakeable(Object anything, Object atAll) {
        }
    }

    @Test
    void shouldAnswerWhatARecordRefusesInItsConstructorWith400SayingWhy() {
        JsonBody<Order> refused = json.read("{\"item\":\"tea\",\"quantity\":0}".getBytes(StandardCharsets.UTF_8), Order.class);

        switch (refused) {
            case JsonBody.Valid(Order order) -> throw new AssertionError("read: " + order);
            case JsonBody.Invalid(JsonProblem problem) -> assertThat(problem).isEqualTo(new JsonProblem(400,
                    "JSON at line 1, column 27 does not fit: Cannot construct instance of `Order`, problem: quantity must be at least 1: 0",
                    1, 27, ""));
        }
    }

    @Test
    void shouldThrowRatherThanBlameTheClientForATypeJacksonCannotMake() {
        assertThatThrownBy(() -> json.read("{}".getBytes(StandardCharsets.UTF_8), Unmakeable.class))
                .isInstanceOf(InvalidDefinitionException.class);
    }

    @Test
    void shouldWriteRecordComponentsInDeclarationOrderAndMapsInTheirOwn() {
        record Said(String room, long seq, String user, String text, long at, int worker) {
        }
        Map<String, Integer> ordered = new java.util.LinkedHashMap<>();
        ordered.put("z", 1);
        ordered.put("a", 2);

        assertThat(json.writeString(new Said("general", 1, "ann", "a \"quote\"\nand é", 5, 2)))
                .isEqualTo("{\"room\":\"general\",\"seq\":1,\"user\":\"ann\",\"text\":\"a \\\"quote\\\"\\nand é\",\"at\":5,\"worker\":2}");
        assertThat(json.writeString(ordered)).isEqualTo("{\"z\":1,\"a\":2}");
        assertThat(new String(json.write(List.of(1, 2)), StandardCharsets.UTF_8)).isEqualTo("[1,2]");
    }
}
