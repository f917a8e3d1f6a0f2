package dev.spindle.io.http;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Immutable. A request for {@link HttpClient}: method, {@code http://} URI, header fields and a
 * body: none, bytes sent with {@code Content-Length}, or chunks sent with
 * {@code Transfer-Encoding: chunked}. Each {@code withX} returns a copy; bodies are copied in.
 *
 * <pre>{@code
 * client.send(ClientRequest.get("http://127.0.0.1:8080/users/7").withHeader("Accept", "text/plain"), self);
 * client.send(ClientRequest.post("http://127.0.0.1:8080/upload", bytes).withExpectContinue(), self);
 * }</pre>
 *
 * <p>{@code Host} is added unless given; {@code Content-Length} and {@code Transfer-Encoding}
 * come from the body and cannot be set by hand (so no header can make the client frame a body
 * the server would read otherwise), nor can {@code Expect} ({@link #withExpectContinue()}).
 */
public final class ClientRequest {

    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};

    private final HttpMethod method;
    private final String host;
    private final int port;
    /** {@code https}: the connection speaks TLS. */
    private final boolean secure;
    private final String target;
    /** Name, value, name, value, ... as given. */
    private final List<String> fields;
    private final byte[] body;
    private final List<byte[]> chunks;
    private final boolean expectContinue;
    /** The body is written as it is made ({@link HttpClient#upload}), chunked. */
    private final boolean streamed;

    private ClientRequest(HttpMethod method, String host, int port, boolean secure, String target, List<String> fields, byte[] body,
            List<byte[]> chunks, boolean expectContinue, boolean streamed) {
        this.method = method;
        this.host = host;
        this.secure = secure;
        this.port = port;
        this.target = target;
        this.fields = fields;
        this.body = body;
        this.chunks = chunks;
        this.expectContinue = expectContinue;
        this.streamed = streamed;
    }

    /**
     * A request of {@code method} for {@code uri}, {@code http} or {@code https} (the fragment is
     * dropped). An {@code https} request verifies the server's certificate against the client's
     * trust ({@link HttpClientOptions#withTls}; the JDK's CAs by default) and that it names the host.
     *
     * @throws IllegalArgumentException for another scheme, no host, or {@link HttpMethod#OTHER} / CONNECT
     */
    public static ClientRequest of(HttpMethod method, URI uri) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        if (method == HttpMethod.OTHER || method == HttpMethod.CONNECT) {
            throw new IllegalArgumentException("method not supported by the client: " + method);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("only http:// and https:// URIs are supported: " + uri);
        }
        boolean secure = scheme.equals("https");
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("URI without a host: " + uri);
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        for (int i = 0; i < target.length(); i++) {
            if (!Ascii.isTargetChar((byte) target.charAt(i)) || target.charAt(i) > 0x7E) {
                throw new IllegalArgumentException("request target must be visible ASCII (percent-encode the rest): " + uri);
            }
        }
        int port = uri.getPort() < 0 ? (secure ? 443 : 80) : uri.getPort();
        return new ClientRequest(method, uri.getHost(), port, secure, target, List.of(), null, null, false, false);
    }

    public static ClientRequest get(String uri) {
        return of(HttpMethod.GET, URI.create(uri));
    }

    public static ClientRequest head(String uri) {
        return of(HttpMethod.HEAD, URI.create(uri));
    }

    public static ClientRequest delete(String uri) {
        return of(HttpMethod.DELETE, URI.create(uri));
    }

    /** A POST of {@code body} (copied), sent with {@code Content-Length}. */
    public static ClientRequest post(String uri, byte[] body) {
        return of(HttpMethod.POST, URI.create(uri)).withBody(body);
    }

    /** A PUT of {@code body} (copied), sent with {@code Content-Length}. */
    public static ClientRequest put(String uri, byte[] body) {
        return of(HttpMethod.PUT, URI.create(uri)).withBody(body);
    }

    /**
     * Adds a header field. Names must be tokens and values must not hold CR, LF or other control
     * characters; {@code Content-Length}, {@code Transfer-Encoding} and {@code Expect} are refused.
     */
    public ClientRequest withHeader(String name, String value) {
        if (!Ascii.isToken(name)) {
            throw new IllegalArgumentException("not a header name: " + name);
        }
        if (!Ascii.isFieldValue(value)) {
            throw new IllegalArgumentException("header value with control characters, for " + name);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("content-length") || lower.equals("transfer-encoding") || lower.equals("expect")) {
            throw new IllegalArgumentException(name + " is set by the client from the body; use withBody, "
                    + "withChunkedBody or withExpectContinue");
        }
        List<String> more = new ArrayList<>(fields);
        more.add(name);
        more.add(value);
        return new ClientRequest(method, host, port, secure, target, List.copyOf(more), body, chunks, expectContinue, streamed);
    }

    /** The body (copied), sent with {@code Content-Length}. */
    public ClientRequest withBody(byte[] bytes) {
        return new ClientRequest(method, host, port, secure, target, fields, bytes.clone(), null, expectContinue, false);
    }

    /** The body as these chunks (copied; empty ones are skipped), sent with {@code Transfer-Encoding: chunked}. */
    public ClientRequest withChunkedBody(List<byte[]> parts) {
        List<byte[]> copies = new ArrayList<>();
        for (byte[] part : parts) {
            if (part.length > 0) {
                copies.add(part.clone());
            }
        }
        return new ClientRequest(method, host, port, secure, target, fields, null, List.copyOf(copies), expectContinue, false);
    }

    /**
     * Sends {@code Expect: 100-continue}: the head goes first, the body after the server's
     * {@code 100 Continue} (or {@link HttpClientOptions#continueTimeout()} without one); a final
     * status instead means the body is not sent, and the connection closes after that response.
     */
    public ClientRequest withExpectContinue() {
        return new ClientRequest(method, host, port, secure, target, fields, body, chunks, true, streamed);
    }

    /** A copy whose body is written later, chunked, by the caller of {@link HttpClient#upload}. */
    ClientRequest withStreamedBody() {
        return new ClientRequest(method, host, port, secure, target, fields, null, null, expectContinue, true);
    }

    public HttpMethod method() {
        return method;
    }

    /** {@return whether this is an {@code https} request} */
    public boolean secure() {
        return secure;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** {@return the path and query as sent} */
    public String target() {
        return target;
    }

    /** {@return the first value of the header {@code name} given (any case), or null} */
    public String header(String name) {
        for (int i = 0; i < fields.size(); i += 2) {
            if (fields.get(i).equalsIgnoreCase(name)) {
                return fields.get(i + 1);
            }
        }
        return null;
    }

    boolean hasBody() {
        return body != null || chunks != null || streamed;
    }

    boolean streamed() {
        return streamed;
    }

    boolean expectContinue() {
        return expectContinue && hasBody();
    }

    /** {@return whether sending it twice means the same as once (RFC 9110 §9.2.2): may be retried} */
    boolean idempotent() {
        return switch (method) {
            case GET, HEAD, PUT, DELETE, OPTIONS, TRACE -> true;
            default -> false;
        };
    }

    /** {@return whether the request asks the server to close after answering ({@code Connection: close})} */
    boolean asksToClose() {
        for (int i = 0; i < fields.size(); i += 2) {
            if (fields.get(i).equalsIgnoreCase("connection")) {
                for (String token : fields.get(i + 1).split(",")) {
                    if (token.trim().equalsIgnoreCase("close")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** {@return the request line and header fields, ending with the empty line} */
    byte[] encodeHead() {
        StringBuilder s = new StringBuilder(128).append(method.name()).append(' ').append(target).append(" HTTP/1.1\r\n");
        if (header("host") == null) {
            s.append("Host: ").append(host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host);
            if (port != (secure ? 443 : 80)) {
                s.append(':').append(port);
            }
            s.append("\r\n");
        }
        for (int i = 0; i < fields.size(); i += 2) {
            s.append(fields.get(i)).append(": ").append(fields.get(i + 1)).append("\r\n");
        }
        if (chunks != null || streamed) {
            s.append("Transfer-Encoding: chunked\r\n");
        } else if (body != null) {
            s.append("Content-Length: ").append(body.length).append("\r\n");
        } else if (method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH) {
            // RFC 9110 §8.6: a method that usually has a body says when it has none.
            s.append("Content-Length: 0\r\n");
        }
        if (expectContinue()) {
            s.append("Expect: 100-continue\r\n");
        }
        return s.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Adds the body's bytes, framed, to {@code out} (not for a streamed body: {@link StreamedBody} frames it). */
    void encodeBody(List<ByteBuffer> out) {
        if (body != null) {
            if (body.length > 0) {
                out.add(ByteBuffer.wrap(body));
            }
        } else if (chunks != null) {
            for (byte[] chunk : chunks) {
                frameChunk(chunk, out);
            }
            out.add(ByteBuffer.wrap(LAST_CHUNK));
        }
    }

    /** Adds {@code chunk} with its chunked framing to {@code out}. */
    static void frameChunk(byte[] chunk, List<ByteBuffer> out) {
        out.add(ByteBuffer.wrap((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII)));
        out.add(ByteBuffer.wrap(chunk));
        out.add(ByteBuffer.wrap(CRLF));
    }

    static ByteBuffer lastChunk() {
        return ByteBuffer.wrap(LAST_CHUNK);
    }

    @Override
    public String toString() {
        return method + (secure ? " https://" : " http://") + host + (port == (secure ? 443 : 80) ? "" : ":" + port) + target;
    }
}
