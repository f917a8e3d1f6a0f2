package dev.spindle.samples.chat;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chat's little JSON reader and writer. */
class JsonTest {

    @Test
    void shouldReadAFlatObject() throws Exception {
        assertThat(Json.parseObject(" { \"user\" : \"ann\", \"n\": -1.5e3, \"ok\": true, \"none\": null, \"esc\": \"a\\\"\\\\\\/\\n\\u00e9\" } "))
                .containsExactly(Map.entry("user", "ann"), Map.entry("n", "-1.5e3"), Map.entry("ok", "true"),
                        new java.util.AbstractMap.SimpleEntry<>("none", null), Map.entry("esc", "a\"\\/\né"));
        assertThat(Json.parseObject("{}")).isEmpty();
    }

    @Test
    void shouldSayWhatIsWrongAndWhere() {
        String[][] cases = {
                {"", "character 1: the input ends too soon"},
                {"[]", "character 1: expected '{'"},
                {"{\"a\":}", "character 6: expected a value"},
                {"{\"a\":\"b\"", "the input ends too soon"},
                {"{\"a\":\"b\" \"c\"}", "expected ',' or '}'"},
                {"{\"a\":{}}", "only strings, numbers, true, false and null"},
                {"{\"a\":\"b\",\"a\":\"c\"}", "\"a\" appears twice"},
                {"{\"a\":\"\\x\"}", "an unknown escape \\x"},
                {"{\"a\":\"\\u12\"}", "four hex digits"},
                {"{\"a\":\"b\"} x", "nothing may follow the object"},
                {"{\"a\":01}", "expected a value"},
                {"{\"a\":\"line\nbreak\"}", "a control character"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> Json.parseObject(c[0])).as(c[0]).isInstanceOf(Json.Malformed.class)
                    .hasMessageStartingWith("invalid JSON at character ").hasMessageContaining(c[1]);
        }
    }

    @Test
    void shouldReadBackWhatItQuotesWhateverTheText() throws Exception {
        long seed = Long.getLong("spindle.seed", System.nanoTime());
        System.out.println("JsonTest seed " + seed + " (replay with -Dspindle.seed=" + seed + ")");
        Random random = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(40); n > 0; n--) {
                text.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0xD800)));
            }
            String value = text.toString();
            assertThat(Json.parseObject("{\"v\":" + Json.quote(value) + "}")).as("seed %d, case %d", seed, i)
                    .containsEntry("v", value);
        }
    }
}
