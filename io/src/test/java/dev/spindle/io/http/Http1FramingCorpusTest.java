package dev.spindle.io.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One corpus of smuggling and framing cases, run against both HTTP/1.1 parsers: each case is a
 * header section and a body, sent once after a request line ({@link RequestParser}) and once after
 * a status line ({@link ResponseParser}), whole and one byte at a time. Both parsers share their
 * framing ({@link ChunkedDecoder}, {@link FieldLine}, {@link BodyFraming}, {@link HeadScanner}), so
 * each case has one defined outcome: the body that was read, or the refusal's reason (the same
 * text for both, {@code {role}} standing for "request" or "response") and the status a server
 * answers it with.
 */
class Http1FramingCorpusTest {

    private static final String CHUNKED = "Transfer-Encoding: chunked\r\n";
    private static final String HELLO_CHUNKED = "5\r\nhello\r\n0\r\n\r\n";

    /** A case: the header fields after Host (request) or after the status line (response), the body, the outcome. */
    record Case(String name, String fields, String body, String outcome, int status) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case accepts(String name, String fields, String body, String readBody) {
        return new Case(name, fields, body, "body=" + readBody, 0);
    }

    private static Case refuses(String name, String fields, String body, int status, String reason) {
        return new Case(name, fields, body, "error: " + reason, status);
    }

    static List<Case> corpus() {
        return List.of(
                // CL.TE and TE.CL: never both, whichever comes first.
                refuses("CL.TE", "Content-Length: 6\r\n" + CHUNKED, "0\r\n\r\nG", 400, "both Content-Length and Transfer-Encoding"),
                refuses("TE.CL", CHUNKED + "Content-Length: 3\r\n", "8\r\nSMUGGLED\r\n0\r\n\r\n", 400,
                        "both Content-Length and Transfer-Encoding"),
                refuses("CL.TE with an unknown coding", "Content-Length: 5\r\nTransfer-Encoding: gzip\r\n", "hello", 501,
                        "transfer coding not supported"),
                // TE.TE obfuscations.
                refuses("xchunked", "Transfer-Encoding: xchunked\r\n", HELLO_CHUNKED, 400,
                        "chunked must be the only and final transfer coding"),
                refuses("chunkedx", "Transfer-Encoding: chunkedx\r\n", HELLO_CHUNKED, 400,
                        "chunked must be the only and final transfer coding"),
                refuses("chunked, identity", "Transfer-Encoding: chunked, identity\r\n", HELLO_CHUNKED, 400,
                        "chunked must be the only and final transfer coding"),
                refuses("identity, chunked", "Transfer-Encoding: identity, chunked\r\n", HELLO_CHUNKED, 400,
                        "chunked must be the only and final transfer coding"),
                refuses("gzip, chunked", "Transfer-Encoding: gzip, chunked\r\n", HELLO_CHUNKED, 400,
                        "chunked must be the only and final transfer coding"),
                refuses("chunked, chunked", "Transfer-Encoding: chunked, chunked\r\n", HELLO_CHUNKED, 400,
                        "chunked must be the only and final transfer coding"),
                refuses("chunked in quotes", "Transfer-Encoding: \"chunked\"\r\n", HELLO_CHUNKED, 400,
                        "chunked must be the only and final transfer coding"),
                refuses("chunked with a parameter", "Transfer-Encoding: chunked;q=1\r\n", HELLO_CHUNKED, 400,
                        "chunked must be the only and final transfer coding"),
                refuses("two Transfer-Encoding fields", CHUNKED + "Transfer-Encoding: identity\r\n", HELLO_CHUNKED, 400,
                        "chunked must be the only and final transfer coding"),
                refuses("chunked twice in two fields", CHUNKED + CHUNKED, HELLO_CHUNKED, 400,
                        "chunked must be the only and final transfer coding"),
                refuses("unknown coding alone", "Transfer-Encoding: gzip\r\n", "hello", 501, "transfer coding not supported"),
                refuses("identity alone", "Transfer-Encoding: identity\r\n", "hello", 501, "transfer coding not supported"),
                refuses("empty Transfer-Encoding", "Transfer-Encoding:\r\n", "hello", 501, "transfer coding not supported"),
                accepts("leading space before chunked is OWS", "Transfer-Encoding:  chunked\r\n", HELLO_CHUNKED, "hello"),
                accepts("leading tab before chunked is OWS", "Transfer-Encoding:\tchunked\r\n", HELLO_CHUNKED, "hello"),
                accepts("trailing whitespace after chunked is OWS", "Transfer-Encoding: chunked \t\r\n", HELLO_CHUNKED, "hello"),
                accepts("CHUNKED in capitals", "transfer-ENCODING: CHUNKED\r\n", HELLO_CHUNKED, "hello"),
                refuses("vertical tab before chunked", "Transfer-Encoding: \u000bchunked\r\n", HELLO_CHUNKED, 400,
                        "invalid character in a header value"),
                refuses("NUL after chunked", "Transfer-Encoding: chunked\u0000\r\n", HELLO_CHUNKED, 400,
                        "invalid character in a header value"),
                refuses("space before the colon", "Transfer-Encoding : chunked\r\n", HELLO_CHUNKED, 400, "malformed header field"),
                refuses("tab before the colon", "Transfer-Encoding\t: chunked\r\n", HELLO_CHUNKED, 400, "malformed header field"),
                refuses("NUL in a header name", "Transfer\u0000Encoding: chunked\r\n", HELLO_CHUNKED, 400, "malformed header field"),
                refuses("no colon", "Transfer-Encoding chunked\r\n", HELLO_CHUNKED, 400, "malformed header field"),
                refuses("empty header name", ": chunked\r\n", HELLO_CHUNKED, 400, "malformed header field"),
                refuses("obs-fold continuing Transfer-Encoding", "Transfer-Encoding: chunked\r\n , identity\r\n", HELLO_CHUNKED, 400,
                        "obsolete line folding"),
                refuses("obs-fold with a tab", "X: a\r\n\tTransfer-Encoding: chunked\r\n", HELLO_CHUNKED, 400,
                        "obsolete line folding"),
                refuses("bare LF ending a field line", "Transfer-Encoding: chunked\n", HELLO_CHUNKED, 400,
                        "bare LF in the {role} head"),
                refuses("bare CR inside a field line", "X: a\rTransfer-Encoding: chunked\r\n", HELLO_CHUNKED, 400,
                        "bare CR in the {role} head"),
                refuses("bare CR ending a field line", "X: a\r\r\n" + CHUNKED, HELLO_CHUNKED, 400, "bare CR in the {role} head"),
                refuses("NUL in a header value", "X: a\u0000b\r\n", "", 400, "invalid character in a header value"),
                refuses("DEL in a header value", "X: a\u007fb\r\n", "", 400, "invalid character in a header value"),
                accepts("obs-text in a header value", "X: caf\u00e9\r\nContent-Length: 2\r\n", "ok", "ok"),
                // Content-Length.
                accepts("Content-Length", "Content-Length: 5\r\n", "hello", "hello"),
                accepts("identical Content-Lengths", "Content-Length: 5\r\nContent-Length: 5\r\n", "hello", "hello"),
                accepts("Content-Length with leading zeros", "Content-Length: 005\r\n", "hello", "hello"),
                accepts("Content-Length with OWS", "Content-Length: \t5 \r\n", "hello", "hello"),
                refuses("conflicting Content-Lengths", "Content-Length: 5\r\nContent-Length: 6\r\n", "hello!", 400,
                        "conflicting Content-Length values"),
                refuses("Content-Length list", "Content-Length: 5, 5\r\n", "hello", 400, "invalid Content-Length"),
                refuses("Content-Length with a plus", "Content-Length: +5\r\n", "hello", 400, "invalid Content-Length"),
                refuses("negative Content-Length", "Content-Length: -1\r\n", "hello", 400, "invalid Content-Length"),
                refuses("hex Content-Length", "Content-Length: 0x5\r\n", "hello", 400, "invalid Content-Length"),
                refuses("Content-Length with an inner space", "Content-Length: 5 5\r\n", "hello", 400, "invalid Content-Length"),
                refuses("empty Content-Length", "Content-Length:\r\n", "hello", 400, "invalid Content-Length"),
                refuses("Content-Length in exponent form", "Content-Length: 1e1\r\n", "hello", 400, "invalid Content-Length"),
                refuses("Content-Length overflowing a long", "Content-Length: 99999999999999999999\r\n", "hello", 400,
                        "invalid Content-Length"),
                refuses("Content-Length of 19 digits", "Content-Length: 0000000000000000005\r\n", "hello", 400,
                        "invalid Content-Length"),
                // Chunk sizes.
                accepts("chunk size in capitals and leading zeros", CHUNKED, "0005\r\nhello\r\n0A\r\n0123456789\r\n0\r\n\r\n",
                        "hello0123456789"),
                refuses("chunk size with 0x", CHUNKED, "0x5\r\nhello\r\n0\r\n\r\n", 400, "invalid character after chunk size"),
                refuses("negative chunk size", CHUNKED, "-5\r\nhello\r\n0\r\n\r\n", 400, "chunk size is not hexadecimal"),
                refuses("chunk size with a plus", CHUNKED, "+5\r\nhello\r\n0\r\n\r\n", 400, "chunk size is not hexadecimal"),
                refuses("empty chunk size", CHUNKED, "\r\nhello\r\n0\r\n\r\n", 400, "chunk size is not hexadecimal"),
                refuses("space before the chunk size", CHUNKED, " 5\r\nhello\r\n0\r\n\r\n", 400, "chunk size is not hexadecimal"),
                refuses("space after the chunk size", CHUNKED, "5 \r\nhello\r\n0\r\n\r\n", 400, "invalid character after chunk size"),
                refuses("chunk size overflowing a long", CHUNKED, "10000000000000000\r\nhello\r\n0\r\n\r\n", 400,
                        "chunk size too long"),
                refuses("chunk size of 16 hex digits", CHUNKED, "ffffffffffffffff\r\n", 400, "chunk size too long"),
                refuses("chunk size of 16 digits with leading zeros", CHUNKED, "0000000000000005\r\nhello\r\n0\r\n\r\n", 400,
                        "chunk size too long"),
                refuses("chunk size line ended by bare LF", CHUNKED, "5\nhello\r\n0\r\n\r\n", 400,
                        "invalid character after chunk size"),
                refuses("chunk size line ended by bare CR", CHUNKED, "5\rhello\r\n0\r\n\r\n", 400,
                        "chunk size line not ended by CRLF"),
                refuses("last chunk ended by bare LF", CHUNKED, "5\r\nhello\r\n0\n\r\n", 400, "invalid character after chunk size"),
                refuses("NUL after the chunk size", CHUNKED, "5\u0000\r\nhello\r\n0\r\n\r\n", 400,
                        "invalid character after chunk size"),
                // Chunk extensions.
                accepts("chunk extensions", CHUNKED, "5;a=b;c=\"d e\"\r\nhello\r\n0;z\r\n\r\n", "hello"),
                refuses("chunk extension ended by bare LF", CHUNKED, "5;a=b\nhello\r\n0\r\n\r\n", 400,
                        "invalid character in chunk extension"),
                refuses("NUL in a chunk extension", CHUNKED, "5;a\u0000\r\nhello\r\n0\r\n\r\n", 400,
                        "invalid character in chunk extension"),
                refuses("chunk extension ended by bare CR", CHUNKED, "5;a\rhello\r\n0\r\n\r\n", 400,
                        "chunk size line not ended by CRLF"),
                refuses("chunk extensions without end", CHUNKED, "1;" + "a".repeat(20_000) + "\r\nx\r\n0\r\n\r\n", 400,
                        "chunk extensions larger than 16384 bytes"),
                refuses("many small chunk extensions add up", CHUNKED,
                        ("1;" + "e".repeat(100) + "\r\nx\r\n").repeat(200) + "0\r\n\r\n", 400,
                        "chunk extensions larger than 16384 bytes"),
                // Chunk data.
                refuses("chunk data longer than its size", CHUNKED, "3\r\nhello\r\n0\r\n\r\n", 400, "chunk data not followed by CRLF"),
                refuses("chunk data followed by bare LF", CHUNKED, "5\r\nhello\n0\r\n\r\n", 400, "chunk data not followed by CRLF"),
                refuses("chunk data followed by bare CR", CHUNKED, "5\r\nhello\r0\r\n\r\n", 400, "chunk data not followed by CRLF"),
                // Trailers: checked for framing and size, then dropped, whatever they say.
                accepts("trailer fields", CHUNKED, "5\r\nhello\r\n0\r\nX-A: 1\r\nX-B: 2\r\n\r\n", "hello"),
                accepts("Content-Length in the trailers is dropped", CHUNKED, "5\r\nhello\r\n0\r\nContent-Length: 50\r\n\r\n",
                        "hello"),
                accepts("Transfer-Encoding in the trailers is dropped", CHUNKED,
                        "5\r\nhello\r\n0\r\nTransfer-Encoding: chunked\r\n\r\n", "hello"),
                refuses("bare LF in trailers", CHUNKED, "5\r\nhello\r\n0\r\nX: y\n\r\n", 400, "bare LF in trailer fields"),
                refuses("bare LF ending the trailers", CHUNKED, "5\r\nhello\r\n0\r\n\n", 400, "bare LF in trailer fields"),
                refuses("bare CR in trailers", CHUNKED, "5\r\nhello\r\n0\r\nX: y\rZ\r\n\r\n", 400, "bare CR in trailer fields"),
                refuses("NUL in trailers", CHUNKED, "5\r\nhello\r\n0\r\nX: \u0000\r\n\r\n", 400, "invalid character in trailer fields"),
                refuses("trailers without end", CHUNKED, "5\r\nhello\r\n0\r\nX: " + "t".repeat(20_000) + "\r\n\r\n", 431,
                        "trailer fields larger than 16384 bytes"),
                // The head itself.
                refuses("head without end", "X: " + "h".repeat(20_000) + "\r\n", "", 431, "{role} head larger than 16384 bytes"));
    }

    static Stream<Arguments> bothParsers() {
        List<Arguments> all = new ArrayList<>();
        for (Case c : corpus()) {
            all.add(Arguments.of("request", c));
            all.add(Arguments.of("response", c));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("bothParsers")
    void shouldGiveEachCaseItsDefinedOutcome(String role, Case c) {
        String expected = c.outcome().replace("{role}", role);
        for (int piece : new int[] {Integer.MAX_VALUE, 1}) {
            if (role.equals("request")) {
                String raw = "POST /x HTTP/1.1\r\nHost: h\r\n" + c.fields() + "\r\n" + c.body();
                RequestParserTest.Outcome outcome = RequestParserTest.parse(raw, HttpServerOptions.defaults(), piece);
                if (c.status() == 0) {
                    assertThat(outcome.reason()).as("%s in pieces of %d", c, piece).isNull();
                    assertThat(outcome.requests()).as("%s in pieces of %d", c, piece).singleElement().asString()
                            .endsWith(c.outcome());
                } else {
                    assertThat("error: " + outcome.reason()).as("%s in pieces of %d", c, piece).isEqualTo(expected);
                    assertThat(outcome.status()).as("%s in pieces of %d", c, piece).isEqualTo(c.status());
                    assertThat(outcome.requests()).isEmpty();
                }
            } else {
                byte[] raw = ("HTTP/1.1 200 OK\r\n" + c.fields() + "\r\n" + c.body()).getBytes(StandardCharsets.ISO_8859_1);
                List<String> seen = ResponseParserTest.parse(raw, Math.min(piece, raw.length), List.of(), 16 * 1024, 100);
                if (c.status() == 0) {
                    assertThat(seen).as("%s in pieces of %d", c, piece).singleElement().asString().endsWith(" " + expected);
                } else {
                    // A refusal for a size limit is marked as one, for the client's LIMIT_EXCEEDED.
                    String limit = expected.contains(" larger than ") ? " (limit)" : "";
                    assertThat(seen).as("%s in pieces of %d", c, piece).containsExactly(expected + limit);
                }
            }
        }
    }
}
