package dev.spindle.io.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The request parser in memory: what it accepts, and the status of everything it refuses. */
class RequestParserTest {

    /** What feeding some bytes produced: the complete requests, and an error status or 0. */
    record Outcome(List<String> requests, int status, String reason, boolean expectContinue) {
    }

    static Outcome parse(String raw, HttpServerOptions options, int chunkSize) {
        RequestParser parser = new RequestParser(options);
        byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
        List<String> requests = new ArrayList<>();
        HttpRequest request = new HttpRequest();
        boolean expectContinue = false;
        for (int off = 0; off < bytes.length; off += chunkSize) {
            ByteBuffer in = ByteBuffer.wrap(bytes, off, Math.min(chunkSize, bytes.length - off));
            while (in.hasRemaining()) {
                int result = parser.parse(in, request);
                if (result == RequestParser.COMPLETE) {
                    requests.add(describe(request));
                    request = new HttpRequest();
                } else if (result == RequestParser.EXPECT_CONTINUE) {
                    expectContinue = true;
                } else if (result == RequestParser.ERROR) {
                    return new Outcome(requests, parser.errorStatus(), parser.errorReason(), expectContinue);
                }
            }
        }
        return new Outcome(requests, 0, null, expectContinue);
    }

    static Outcome parse(String raw) {
        return parse(raw, HttpServerOptions.defaults(), Integer.MAX_VALUE);
    }

    static String describe(HttpRequest r) {
        StringBuilder s = new StringBuilder(r.methodName()).append(' ').append(r.path());
        if (r.query() != null) {
            s.append(" ?").append(r.query());
        }
        s.append(' ').append(r.version()).append(r.keepAlive() ? " keep" : " close");
        for (int i = 0; i < r.headerCount(); i++) {
            s.append(" [").append(r.headerName(i)).append('=').append(r.headerValue(i)).append(']');
        }
        if (r.bodyLength() > 0) {
            s.append(" body=").append(r.bodyAsString());
        }
        return s.toString();
    }

    @Test
    void shouldParseASimpleGet() {
        Outcome outcome = parse("GET /hello?x=1 HTTP/1.1\r\nHost: a\r\nUser-Agent:  curl/8 \r\n\r\n");
        assertThat(outcome.status()).isZero();
        assertThat(outcome.requests()).containsExactly("GET /hello ?x=1 HTTP/1.1 keep [Host=a] [User-Agent=curl/8]");
    }

    @Test
    void shouldParsePipelinedRequestsWhateverTheReadBoundaries() {
        String raw = "\r\nGET /a HTTP/1.1\r\nHost: h\r\n\r\n"
                + "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
                + "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0A\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n"
                + "GET /d HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                + "GET /e HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
        List<String> expected = List.of(
                "GET /a HTTP/1.1 keep [Host=h]",
                "POST /b HTTP/1.1 keep [Host=h] [Content-Length=5] body=hello",
                "PUT /c HTTP/1.1 keep [Host=h] [Transfer-Encoding=chunked] body=abc0123456789",
                "GET /d HTTP/1.0 keep [Connection=keep-alive]",
                "GET /e HTTP/1.1 close [Host=h] [Connection=close]");
        for (int chunk = 1; chunk <= raw.length(); chunk++) {
            Outcome outcome = parse(raw, HttpServerOptions.defaults(), chunk);
            assertThat(outcome.status()).as("reads of %d bytes: %s", chunk, outcome.reason()).isZero();
            assertThat(outcome.requests()).as("reads of %d bytes", chunk).isEqualTo(expected);
        }
    }

    @Test
    void shouldKeepTheAbsoluteFormsPathAndAcceptAsteriskForOptions() {
        assertThat(parse("GET http://example.com/x?y HTTP/1.1\r\nHost: example.com\r\n\r\n").requests())
                .containsExactly("GET /x ?y HTTP/1.1 keep [Host=example.com]");
        assertThat(parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").requests())
                .containsExactly("OPTIONS * HTTP/1.1 keep [Host=h]");
    }

    @Test
    void shouldDefaultHttp10ToCloseAndAcceptIdenticalContentLengths() {
        assertThat(parse("GET / HTTP/1.0\r\n\r\n").requests()).containsExactly("GET / HTTP/1.0 close");
        assertThat(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nok").requests())
                .singleElement().asString().endsWith("body=ok");
    }

    @Test
    void shouldAskForContinueOnlyWhenABodyFollows() {
        Outcome withBody = parse("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx");
        assertThat(withBody.expectContinue()).isTrue();
        assertThat(withBody.requests()).hasSize(1);
        assertThat(parse("GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n").expectContinue()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bare LF ends a header line             | GET / HTTP/1.1\\nHost: h\\r\\n\\r\\n                                   | 400
            bare LF inside the head                | GET / HTTP/1.1\\r\\nHost: h\\nX: y\\r\\n\\r\\n                         | 400
            bare CR inside a header value          | GET / HTTP/1.1\\r\\nHost: h\\rX\\r\\n\\r\\n                           | 400
            bare LF before the request line        | \\nGET / HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n                             | 400
            space before a header colon            | GET / HTTP/1.1\\r\\nHost : h\\r\\n\\r\\n                               | 400
            obsolete line folding                  | GET / HTTP/1.1\\r\\nHost: h\\r\\nX: a\\r\\n  b\\r\\n\\r\\n              | 400
            control character in a value          | GET / HTTP/1.1\\r\\nHost: h\\u0001\\r\\n\\r\\n                          | 400
            no header name                         | GET / HTTP/1.1\\r\\n: v\\r\\nHost: h\\r\\n\\r\\n                       | 400
            lowercase method is a token            | get / HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n                                | 0
            two spaces in the request line         | GET  / HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n                               | 400
            missing version                        | GET /\\r\\nHost: h\\r\\n\\r\\n                                         | 400
            target without a slash                 | GET index.html HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n                       | 400
            space in the target                    | GET /a b HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n                             | 400
            HTTP/2.0 request line                  | GET / HTTP/2.0\\r\\nHost: h\\r\\n\\r\\n                                | 505
            HTTP/1.2                               | GET / HTTP/1.2\\r\\nHost: h\\r\\n\\r\\n                                | 505
            lowercase version                      | GET / http/1.1\\r\\nHost: h\\r\\n\\r\\n                                | 400
            missing Host in HTTP/1.1               | GET / HTTP/1.1\\r\\nX: y\\r\\n\\r\\n                                   | 400
            two Host headers                       | GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n                   | 400
            Content-Length with Transfer-Encoding  | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n | 400
            conflicting Content-Lengths            | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 3\\r\\nContent-Length: 4\\r\\n\\r\\nabcd | 400
            Content-Length list                    | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 3, 3\\r\\n\\r\\nabc  | 400
            signed Content-Length                  | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: +3\\r\\n\\r\\nabc    | 400
            huge Content-Length                    | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 99999999999999999999\\r\\n\\r\\n | 400
            chunked not last                       | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: chunked, gzip\\r\\n\\r\\n | 400
            chunked twice                          | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | 400
            unknown transfer coding                | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\n  | 501
            Transfer-Encoding in HTTP/1.0          | POST / HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n | 400
            chunk size not hex                     | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n | 400
            chunk size with a space                | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n5 \\r\\nhello\\r\\n0\\r\\n\\r\\n | 400
            chunk size overflowing                 | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n1000000000000000000\\r\\n | 400
            chunk size ended by bare LF            | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n5\\nhello\\r\\n0\\r\\n\\r\\n | 400
            chunk data longer than its size        | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3\\r\\nhello\\r\\n0\\r\\n\\r\\n | 400
            bare LF in trailers                    | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\nX: y\\n\\r\\n | 400
            Expect other than 100-continue         | POST / HTTP/1.1\\r\\nHost: h\\r\\nExpect: 200-ok\\r\\nContent-Length: 1\\r\\n\\r\\nx | 417
            body over the limit by Content-Length  | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 2000000\\r\\n\\r\\n  | 413
            """)
    void shouldRefuseBadInputWithItsStatus(String name, String escaped, int status) {
        Outcome outcome = parse(unescape(escaped));
        assertThat(outcome.status()).as(name + ": " + outcome.reason()).isEqualTo(status);
        if (status != 0) {
            assertThat(outcome.reason()).isNotBlank();
            assertThat(outcome.requests()).isEmpty();
        }
    }

    @Test
    void shouldRefuseAHeadOverTheLimitWith431() {
        HttpServerOptions small = HttpServerOptions.defaults().withMaxHeadSize(1024);
        Outcome tooLong = parse("GET / HTTP/1.1\r\nHost: h\r\nX: " + "a".repeat(1100) + "\r\n\r\n", small, 100);
        assertThat(tooLong.status()).isEqualTo(431);
        Outcome fits = parse("GET / HTTP/1.1\r\nHost: h\r\nX: " + "a".repeat(900) + "\r\n\r\n", small, 100);
        assertThat(fits.status()).isZero();
        assertThat(fits.requests()).hasSize(1);
        // A limit below the head array's first size (512 bytes) holds too.
        HttpServerOptions tiny = HttpServerOptions.defaults().withMaxHeadSize(300);
        assertThat(parse("GET / HTTP/1.1\r\nHost: h\r\nX: " + "a".repeat(400) + "\r\n\r\n", tiny, 100).status()).isEqualTo(431);
        assertThat(parse("GET / HTTP/1.1\r\nHost: h\r\nX: " + "a".repeat(200) + "\r\n\r\n", tiny, 100).status()).isZero();
    }

    @Test
    void shouldRefuseTooManyHeadersWith431() {
        StringBuilder raw = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
        for (int i = 0; i < 10; i++) {
            raw.append("X-").append(i).append(": v\r\n");
        }
        raw.append("\r\n");
        assertThat(parse(raw.toString(), HttpServerOptions.defaults().withMaxHeaders(10), 7).status()).isEqualTo(431);
        assertThat(parse(raw.toString(), HttpServerOptions.defaults().withMaxHeaders(11), 7).status()).isZero();
    }

    @Test
    void shouldRefuseAChunkedBodyOverTheLimitWith413() {
        HttpServerOptions small = HttpServerOptions.defaults().withMaxBodySize(10);
        String raw = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\nghijkl\r\n0\r\n\r\n";
        assertThat(parse(raw, small, 5).status()).isEqualTo(413);
    }

    /** Feeds {@code raw} to a fresh parser; {@return the request it parsed into, complete or not} */
    private static HttpRequest parsePart(String raw) {
        HttpRequest request = new HttpRequest();
        int result = new RequestParser(HttpServerOptions.defaults()).parse(
                ByteBuffer.wrap(raw.getBytes(StandardCharsets.ISO_8859_1)), request);
        assertThat(result).as("a body on its way").isEqualTo(RequestParser.NEED_MORE);
        return request;
    }

    @Test
    void shouldHoldMemoryForTheBodyBytesReceivedNotForTheDeclaredLength() {
        // Issue 16: a head declaring 1 MiB made the server allocate 1 MiB before one body byte came.
        HttpRequest request = parsePart("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1048576\r\n\r\n0123456789");
        assertThat(request.bodyLength()).isEqualTo(10);
        assertThat(request.body.length).as("body array after 10 of 1 MiB declared").isLessThanOrEqualTo(4096);
    }

    @Test
    void shouldHoldMemoryForTheChunkBytesReceivedNotForTheDeclaredChunkSize() {
        HttpRequest request = parsePart("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nFFFFF\r\n0123456789");
        assertThat(request.bodyLength()).isEqualTo(10);
        assertThat(request.body.length).as("body array after 10 of a 1 MiB chunk").isLessThanOrEqualTo(4096);
    }

    @Test
    void shouldCollectABigBodyArrivingInSmallReadsWhole() {
        int size = 300_000;
        StringBuilder body = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
            body.append((char) ('a' + i % 26));
        }
        String raw = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: " + size + "\r\n\r\n" + body;
        String chunked = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(size) + "\r\n" + body + "\r\n0\r\n\r\n";
        for (String request : List.of(raw, chunked)) {
            Outcome outcome = parse(request, HttpServerOptions.defaults(), 1000);
            assertThat(outcome.status()).isZero();
            assertThat(outcome.requests()).hasSize(1);
            assertThat(outcome.requests().getFirst()).endsWith("body=" + body);
        }
    }

    @Test
    void shouldRefuseChunkExtensionsWithoutEnd() {
        // llhttp's CVE-2024-22019: extensions are ignored, so they must not go on for ever.
        String raw = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1;" + "a".repeat(20_000) + "\r\nx\r\n0\r\n\r\n";
        Outcome outcome = parse(raw, HttpServerOptions.defaults(), 1000);
        assertThat(outcome.status()).isEqualTo(400);
        assertThat(outcome.reason()).contains("chunk extensions");
    }

    @Test
    void shouldNotKeepABigBodyArrayForTheNextRequestOfTheConnection() {
        HttpRequest request = new HttpRequest();
        request.body = new byte[1 << 20];
        request.reset();
        assertThat(request.body.length).as("kept after a 1 MiB body").isLessThanOrEqualTo(64 * 1024);
    }

    /** The CSV holds {@code \r}, {@code \n} and {@code \\uXXXX} escapes. */
    static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'r' -> out.append('\r');
                    case 'n' -> out.append('\n');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> out.append('\\').append(n);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
