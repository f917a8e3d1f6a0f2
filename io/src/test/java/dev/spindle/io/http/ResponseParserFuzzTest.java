package dev.spindle.io.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jazzer on the response parser. In {@code mvn verify} it replays the saved inputs
 * ({@code src/test/resources/dev/spindle/io/http/ResponseParserFuzzTestInputs/}); to fuzz:
 * {@code JAZZER_FUZZ=1 mvn -B -ntp verify -pl io -am -Dtest='ResponseParserFuzzTest#anyBytes' -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Properties: the parser never throws, reads the same responses whatever the read boundaries
 * (whether or not a response answers a HEAD), and never hands over a head past its limits
 * (checked in {@link ResponseParserTest#parse}).
 */
class ResponseParserFuzzTest {

    private static final int MAX_HEAD = 512;
    private static final int MAX_HEADERS = 16;

    @FuzzTest(maxDuration = "60s")
    void anyBytes(FuzzedDataProvider data) {
        int split = data.consumeInt(1, 64);
        boolean firstIsHead = data.consumeBoolean();
        byte[] input = data.consumeRemainingAsBytes();
        List<Boolean> heads = List.of(firstIsHead, false, true);
        List<String> whole = ResponseParserTest.parse(input, Math.max(1, input.length), heads, MAX_HEAD, MAX_HEADERS);
        List<String> pieces = ResponseParserTest.parse(input, split, heads, MAX_HEAD, MAX_HEADERS);
        assertThat(pieces).isEqualTo(whole);
    }
}
