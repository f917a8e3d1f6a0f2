package dev.spindle.json;

import dev.spindle.io.http.ClientRequest;
import dev.spindle.io.http.HttpClientEvent;
import dev.spindle.io.http.HttpRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Thread-safe, like the Jackson {@link JsonMapper} it holds (immutable but for a counter of the
 * problems it found): make one, share it with every actor. Reads HTTP bodies as records and
 * classes, and answers with objects as JSON.
 *
 * <pre>{@code
 * JsonCodec json = JsonCodec.create();
 * record NewMessage(String user, String text) {}
 * ...
 * return (ctx, request) -> {
 *     switch (json.read(request, NewMessage.class)) {
 *         case JsonBody.Valid(NewMessage m) -> json.respond(request, 201, new Posted(m.user()));
 *         case JsonBody.Invalid(JsonProblem problem) -> problem.respond(request); // 400: line, column, what
 *     }
 *     return Behavior.same();
 * };
 * }</pre>
 *
 * <p>A request body is read only when its {@code Content-Type} is JSON ({@code application/json}
 * or a {@code +json} type such as {@code application/problem+json}, any parameters) or absent; any other is a 415 problem (so that
 * a cross-site HTML form, which can only send form or text types, cannot post JSON). Read
 * failures are values ({@link JsonBody.Invalid}); what is a defect of the server throws (a type
 * Jackson cannot make or reach, a value it cannot write), so its handler fails and the client gets
 * 500. A record that refuses its components in its constructor (throws) is a 400 problem that says
 * why: validation can live in the record.
 *
 * <p>Streamed bodies: reading JSON needs the whole body, which the server collects (up to its
 * {@link dev.spindle.io.http.HttpServerOptions#maxBodySize() maxBodySize}) for every route but a
 * {@link dev.spindle.io.http.Router.Builder#streamingBody() streaming} one; reading the request
 * of a streaming route throws {@link IllegalStateException} (its handler fails: 500). Collect its
 * chunks yourself and call {@link #read(byte[], Class)}, or route it without streaming.
 *
 * <p>Records and classes are read and written by reflection. In a named module a public type of
 * an exported package needs nothing more; any other (a package-private record, a type in a
 * package the module does not export) needs its package opened to Jackson:
 * {@code opens com.example.app to tools.jackson.databind;} (else reading it throws, see
 * {@link #read(HttpRequest, Class)}). On the class path nothing is needed.
 */
public final class JsonCodec {

    private static final String JSON = "application/json";

    private final JsonMapper mapper;
    /** Bodies read as {@link JsonBody.Invalid}: by any thread, summed when asked. */
    private final LongAdder problems = new LongAdder();

    private JsonCodec(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** {@return a codec with Spindle's defaults: {@link JsonOptions#defaults()}'s limits, see {@link #mapperBuilder}} */
    public static JsonCodec create() {
        return create(JsonOptions.defaults());
    }

    /** {@return a codec with Spindle's defaults and {@code options}' limits} */
    public static JsonCodec create(JsonOptions options) {
        return new JsonCodec(mapperBuilder(options).build());
    }

    /**
     * {@return a codec that reads and writes with {@code mapper}, as it is configured} Its
     * {@code StreamReadConstraints} are its own: Jackson's defaults (a nesting depth of 500, no
     * bound on a document's length) unless it was built from {@link #mapperBuilder}.
     */
    public static JsonCodec using(JsonMapper mapper) {
        return new JsonCodec(Objects.requireNonNull(mapper, "mapper"));
    }

    /**
     * {@return a builder of the mapper {@link #create(JsonOptions)} uses, to add modules or
     * features of your own and pass to {@link #using}} Jackson 3's defaults, and: the
     * {@code options}' limits, a member named twice refused
     * ({@code StreamReadFeature.STRICT_DUPLICATE_DETECTION}: two parsers must not read one body
     * two ways), bytes after the value refused ({@code FAIL_ON_TRAILING_TOKENS}). Jackson 3's own
     * defaults include: unknown members ignored, {@code null} for a primitive refused, record
     * components written in their declared order.
     */
    public static JsonMapper.Builder mapperBuilder(JsonOptions options) {
        JsonFactory factory = JsonFactory.builder().streamReadConstraints(options.constraints())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        return JsonMapper.builder(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** {@return how many bodies this codec found invalid (400) or not sent as JSON (415), since it was made} */
    public long problems() {
        return problems.sum();
    }

    /** {@return the mapper this codec reads and writes with} */
    public JsonMapper mapper() {
        return mapper;
    }

    /**
     * {@return the request's body read as a {@code type}, or the problem to answer with}
     *
     * @throws IllegalStateException if the body is streamed (see the class comment)
     * @throws JacksonException if no JSON could ever be a {@code type}: Jackson finds no way to
     *     make one, or may not reach it (its package is not opened to Jackson). A defect of the
     *     server, not of the request: the handler fails and the client gets 500.
     */
    public <T> JsonBody<T> read(HttpRequest request, Class<T> type) {
        return read(request, mapper.getTypeFactory().constructType(type));
    }

    /** {@link #read(HttpRequest, Class)}, for a generic type: {@code new TypeReference<List<Item>>() {}}. */
    public <T> JsonBody<T> read(HttpRequest request, TypeReference<T> type) {
        return read(request, mapper.getTypeFactory().constructType(type));
    }

    /**
     * {@return a response's body read as a {@code type}, whatever its {@code Content-Type}, or what is wrong with it}
     *
     * @throws JacksonException if no JSON could ever be a {@code type} (see {@link #read(HttpRequest, Class)})
     */
    public <T> JsonBody<T> read(HttpClientEvent.Response response, Class<T> type) {
        return read(response.body(), mapper.getTypeFactory().constructType(type));
    }

    public <T> JsonBody<T> read(HttpClientEvent.Response response, TypeReference<T> type) {
        return read(response.body(), mapper.getTypeFactory().constructType(type));
    }

    /**
     * {@return {@code json} (UTF-8, -16 or -32) read as a {@code type}, or what is wrong with it}
     *
     * @throws JacksonException if no JSON could ever be a {@code type} (see {@link #read(HttpRequest, Class)})
     */
    public <T> JsonBody<T> read(byte[] json, Class<T> type) {
        return read(json, mapper.getTypeFactory().constructType(type));
    }

    public <T> JsonBody<T> read(byte[] json, TypeReference<T> type) {
        return read(json, mapper.getTypeFactory().constructType(type));
    }

    private <T> JsonBody<T> read(HttpRequest request, JavaType type) {
        if (request.bodyStreamed()) {
            throw new IllegalStateException("this request's body is streamed (its route is Router.Builder.streamingBody()), "
                    + "and JSON is read from a collected body: route it without streamingBody(), or collect its chunks "
                    + "and read(byte[], type): " + request);
        }
        String contentType = request.header("Content-Type");
        if (contentType != null && !isJson(contentType)) {
            problems.increment();
            return new JsonBody.Invalid<>(Problems.notJson(contentType));
        }
        return read(request.body(), type);
    }

    private <T> JsonBody<T> read(byte[] json, JavaType type) {
        JsonParser parser = null;
        try {
            parser = mapper.createParser(json);
            T value = mapper.readValue(parser, type);
            if (value == null) {
                problems.increment();
                return new JsonBody.Invalid<>(Problems.isNull(json, type.getRawClass().getName()));
            }
            return new JsonBody.Valid<>(value);
        } catch (JacksonException e) {
            if (Problems.isServerDefect(e)) {
                throw e;
            }
            problems.increment();
            return new JsonBody.Invalid<>(Problems.of(e, parser, json));
        } finally {
            if (parser != null) {
                parser.close();
            }
        }
    }

    /** {@return whether {@code contentType} is JSON: {@code application/json} or {@code .../...+json}, any parameters} */
    static boolean isJson(String contentType) {
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        return type.equals(JSON) || (type.endsWith("+json") && type.indexOf('/') > 0);
    }

    /**
     * Answers {@code request} with {@code status} and {@code body} written as JSON
     * ({@code Content-Type: application/json}).
     *
     * @throws JacksonException if Jackson cannot write {@code body} (the request is not answered)
     */
    public void respond(HttpRequest request, int status, Object body) {
        request.respond(status, JSON, write(body));
    }

    /** {@return {@code value} as JSON, UTF-8} @throws JacksonException if Jackson cannot write it */
    public byte[] write(Object value) {
        return mapper.writeValueAsBytes(value);
    }

    /** {@return {@code value} as JSON text: one line, so it fits a Server-Sent Events {@code data:} field} */
    public String writeString(Object value) {
        return new String(write(value), StandardCharsets.UTF_8);
    }

    /** {@return a POST of {@code body} as JSON to {@code uri}} */
    public ClientRequest post(String uri, Object body) {
        return ClientRequest.post(uri, write(body)).withHeader("Content-Type", JSON);
    }

    /** {@return a PUT of {@code body} as JSON to {@code uri}} */
    public ClientRequest put(String uri, Object body) {
        return ClientRequest.put(uri, write(body)).withHeader("Content-Type", JSON);
    }
}
