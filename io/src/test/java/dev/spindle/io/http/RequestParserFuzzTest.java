package dev.spindle.io.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jazzer on the request parser. In {@code mvn verify} it replays the saved inputs
 * ({@code src/test/resources/dev/spindle/io/http/RequestParserFuzzTestInputs/}); to fuzz:
 * {@code JAZZER_FUZZ=1 mvn -B -ntp verify -pl io -am -Dtest='RequestParserFuzzTest#anyBytes' -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Properties: the parser never throws, answers every refusal with a status it documents, keeps
 * within its limits, and reads the same requests whatever the read boundaries; a streamed body
 * (handed to a sink that now and then takes nothing, as a reader that has not asked) is the same
 * bytes as a collected one.
 */
class RequestParserFuzzTest {

    private static final Set<Integer> STATUSES = Set.of(400, 413, 417, 431, 501, 505);
    private static final HttpServerOptions OPTIONS = HttpServerOptions.defaults().withMaxHeadSize(512)
            .withMaxHeaders(16).withMaxBodySize(256);

    @FuzzTest(maxDuration = "60s")
    void anyBytes(FuzzedDataProvider data) {
        int split = data.consumeInt(1, 64);
        byte[] input = data.consumeRemainingAsBytes();
        List<String> whole = parse(input, input.length + 1);
        List<String> pieces = parse(input, split);
        assertThat(pieces).isEqualTo(whole);
        List<String> streamed = parseStreaming(input, split);
        if (!whole.contains("error 413")) {
            assertThat(streamed).isEqualTo(whole);
        }
    }

    /** {@return each complete request described, then the error status if any} */
    private static List<String> parse(byte[] input, int chunk) {
        return parse(input, chunk, null, null);
    }

    /** {@link #parse}, with every body streamed to a sink that refuses every third offer. */
    private static List<String> parseStreaming(byte[] input, int chunk) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int[] offers = new int[1];
        RequestParser.BodySink sink = (in, length) -> {
            if (++offers[0] % 3 == 0) {
                return 0;
            }
            byte[] part = new byte[length];
            in.get(part);
            body.writeBytes(part);
            return length;
        };
        return parse(input, chunk, sink, body);
    }

    /** Parses {@code input} in reads of {@code chunk} bytes; bodies go to {@code sink} (collected into {@code streamed}) if not null. */
    private static List<String> parse(byte[] input, int chunk, RequestParser.BodySink sink, ByteArrayOutputStream streamed) {
        RequestParser parser = sink == null ? new RequestParser(OPTIONS) : new RequestParser(OPTIONS, r -> sink);
        HttpRequest request = new HttpRequest();
        List<String> seen = new ArrayList<>();
        for (int off = 0; off < input.length; off += chunk) {
            ByteBuffer in = ByteBuffer.wrap(input, off, Math.min(chunk, input.length - off));
            while (in.hasRemaining()) {
                int result = parser.parse(in, request);
                if (result == RequestParser.COMPLETE) {
                    assertThat(request.headLength).isLessThanOrEqualTo(OPTIONS.maxHeadSize());
                    assertThat(request.headerCount()).isLessThanOrEqualTo(OPTIONS.maxHeaders());
                    if (streamed != null) {
                        byte[] bytes = streamed.toByteArray();
                        streamed.reset();
                        assertThat(parser.streamedBytes()).isEqualTo(bytes.length);
                        request.body = bytes;
                        request.bodyLength = bytes.length;
                    } else {
                        assertThat(request.bodyLength()).isLessThanOrEqualTo(OPTIONS.maxBodySize());
                    }
                    seen.add(RequestParserTest.describe(request));
                    request = new HttpRequest();
                } else if (result == RequestParser.ERROR) {
                    assertThat(STATUSES).contains(parser.errorStatus());
                    assertThat(parser.errorReason()).isNotBlank();
                    seen.add("error " + parser.errorStatus());
                    return seen;
                }
            }
        }
        return seen;
    }
}
