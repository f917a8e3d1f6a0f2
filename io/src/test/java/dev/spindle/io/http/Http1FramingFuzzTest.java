package dev.spindle.io.http;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jazzer on the framing both HTTP/1.1 parsers share: the same field lines and body, after a request
 * line and after a status line of the same length, must be read the same way by
 * {@link RequestParser} and {@link ResponseParser}: the same body, or the same refusal, or both
 * waiting for more. In {@code mvn verify} it replays the saved inputs
 * ({@code src/test/resources/dev/spindle/io/http/Http1FramingFuzzTestInputs/}); to fuzz:
 * {@code JAZZER_FUZZ=1 mvn -B -ntp verify -pl io -am -Dtest='Http1FramingFuzzTest#sameFramingBothWays' -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Where the roles rightly differ, the input is not compared: a request-only rule refused it
 * (Host, Expect, the server's body limit), or it has no Content-Length and is not chunked (a
 * request then has no body, a response runs until the close).
 */
class Http1FramingFuzzTest {

    /** Both start lines plus one field, 27 bytes each: the head limit is reached at the same byte. */
    private static final String REQUEST_START = "POST / HTTP/1.1\r\nHost: hh\r\n";
    private static final String RESPONSE_START = "HTTP/1.1 200 OK\r\nX-Pad: p\r\n";
    private static final HttpServerOptions OPTIONS = HttpServerOptions.defaults().withMaxHeadSize(512).withMaxHeaders(16);

    @FuzzTest(maxDuration = "60s")
    void sameFramingBothWays(byte[] fieldsAndBody) {
        for (int piece : new int[] {Integer.MAX_VALUE, 7}) {
            String request = readRequest(fieldsAndBody, piece);
            String response = readResponse(fieldsAndBody, piece);
            if (request != null && response != null) {
                assertThat(response).as("in pieces of %d", piece).isEqualTo(request);
            }
        }
    }

    /** {@return the first request's body, its refusal, or "incomplete"; null where roles differ} */
    private static String readRequest(byte[] fieldsAndBody, int piece) {
        RequestParser parser = new RequestParser(OPTIONS);
        HttpRequest request = new HttpRequest();
        byte[] input = concat(REQUEST_START, fieldsAndBody);
        for (int off = 0; off < input.length; off += piece) {
            ByteBuffer in = ByteBuffer.wrap(input, off, Math.min(piece, input.length - off));
            while (in.hasRemaining()) {
                int result = parser.parse(in, request);
                if (result == RequestParser.COMPLETE) {
                    if (!request.chunked && request.contentLength == 0 && !hasContentLength(request)) {
                        return null;
                    }
                    return "body=" + new String(request.body, 0, request.bodyLength(), StandardCharsets.ISO_8859_1);
                }
                if (result == RequestParser.ERROR) {
                    int status = parser.errorStatus();
                    String reason = parser.errorReason();
                    if (status == 413 || status == 417 || reason.contains("Host")) {
                        return null;
                    }
                    return "error: " + reason.replace("request", "{role}");
                }
            }
        }
        return "incomplete";
    }

    private static boolean hasContentLength(HttpRequest request) {
        for (int i = 0; i < request.headerCount(); i++) {
            if (request.headerName(i).equalsIgnoreCase("content-length")) {
                return true;
            }
        }
        return false;
    }

    /** {@return the first response's body, its refusal, or "incomplete"; null where roles differ} */
    private static String readResponse(byte[] fieldsAndBody, int piece) {
        ResponseParser parser = new ResponseParser(OPTIONS.maxHeadSize(), OPTIONS.maxHeaders());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] input = concat(RESPONSE_START, fieldsAndBody);
        for (int off = 0; off < input.length; off += piece) {
            ByteBuffer in = ByteBuffer.wrap(input, off, Math.min(piece, input.length - off));
            while (true) {
                int result = parser.parse(in, false, true);
                if (result == ResponseParser.NEED_MORE) {
                    break;
                }
                switch (result) {
                    case ResponseParser.HEAD -> {
                        if (!parser.chunked && parser.contentLength < 0) {
                            return null;
                        }
                    }
                    case ResponseParser.BODY -> body.write(input, parser.bodyStart, parser.bodyLength);
                    case ResponseParser.DONE -> {
                        return "body=" + body.toString(StandardCharsets.ISO_8859_1);
                    }
                    case ResponseParser.ERROR -> {
                        return "error: " + parser.errorReason().replace("response", "{role}");
                    }
                    default -> throw new AssertionError("unexpected result " + result);
                }
            }
        }
        return "incomplete";
    }

    private static byte[] concat(String start, byte[] rest) {
        byte[] head = start.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + rest.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(rest, 0, all, head.length, rest.length);
        return all;
    }
}
