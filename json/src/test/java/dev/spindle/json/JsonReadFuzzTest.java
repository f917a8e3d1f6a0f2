package dev.spindle.json;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jazzer on the codec's read path. In {@code mvn verify} it replays the saved inputs
 * ({@code src/test/resources/dev/spindle/json/JsonReadFuzzTestInputs/}); to fuzz:
 * {@code JAZZER_FUZZ=1 JAZZER_INSTRUMENTATION_INCLUDES='tools.jackson.**:dev.spindle.json.**' mvn -B -ntp verify -pl json -am
 * -Dtest='JsonReadFuzzTest#anyBytes' -Dsurefire.failIfNoSpecifiedTests=false} (Jackson instrumented too: without it
 * the fuzzer sees only this module's branches; 60 s here: 93,643 inputs, 3,350 edges, nothing found).
 *
 * <p>Properties: whatever the bytes, reading returns a value or a problem and never throws; a
 * problem is a 400 with a position inside the input and an error no longer than its bound, free
 * of control characters; under tight limits nothing deeper, longer or bigger is ever read.
 */
class JsonReadFuzzTest {

    public record Item(String name, int count, List<String> tags, Map<String, Double> prices) {
    }

    private static final JsonCodec DEFAULTS = JsonCodec.create();
    private static final JsonOptions TIGHT = JsonOptions.defaults().withMaxNestingDepth(4).withMaxStringLength(16)
            .withMaxNumberLength(8).withMaxNameLength(8).withMaxDocumentLength(256).withMaxTokenCount(32);
    private static final JsonCodec TIGHTLY = JsonCodec.create(TIGHT);

    @FuzzTest(maxDuration = "60s")
    void anyBytes(FuzzedDataProvider data) {
        byte[] input = data.consumeRemainingAsBytes();
        check(input, DEFAULTS.read(input, Item.class));
        check(input, DEFAULTS.read(input, JsonNode.class));
        JsonBody<JsonNode> tight = TIGHTLY.read(input, JsonNode.class);
        check(input, tight);
        if (tight instanceof JsonBody.Valid<JsonNode>(JsonNode node)) {
            assertThat((long) input.length).isLessThanOrEqualTo(TIGHT.maxDocumentLength());
            assertWithin(node, 1);
        }
    }

    /** The properties every read has, valid or not. */
    static void check(byte[] input, JsonBody<?> body) {
        switch (body) {
            case JsonBody.Valid(Object value) -> assertThat(value).isNotNull();
            case JsonBody.Invalid(JsonProblem problem) -> {
                assertThat(problem.status()).isEqualTo(400);
                assertThat(problem.error()).isNotBlank().hasSizeLessThanOrEqualTo(JsonProblem.MAX_ERROR_LENGTH)
                        .doesNotContainPattern("\\p{Cntrl}").doesNotContain("dev.spindle");
                assertThat(problem.line()).isBetween(1, input.length + 1);
                assertThat(problem.column()).isBetween(1, input.length + 1);
                assertThat(problem.toJson()).isNotEmpty();
            }
        }
    }

    private static void assertWithin(JsonNode node, int depth) {
        if (node.isContainer()) {
            assertThat(depth).isLessThanOrEqualTo(TIGHT.maxNestingDepth());
            for (String name : node.propertyNames()) {
                assertThat(name.length()).isLessThanOrEqualTo(TIGHT.maxNameLength());
            }
            for (JsonNode child : node.values()) {
                assertWithin(child, depth + 1);
            }
        } else if (node.isString()) {
            assertThat(node.stringValue().length()).isLessThanOrEqualTo(TIGHT.maxStringLength());
        }
    }
}
