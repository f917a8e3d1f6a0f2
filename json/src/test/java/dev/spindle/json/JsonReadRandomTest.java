package dev.spindle.json;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random damage to valid documents (bytes deleted, inserted, replaced, cut short): every
 * read keeps {@link JsonReadFuzzTest#check}'s properties, and what is still read as an item writes
 * back to JSON that reads as the same item. Replay a seed with {@code -Dspindle.seed=N}.
 */
class JsonReadRandomTest {

    private static final String[] DOCUMENTS = {
            "{\"name\":\"tea\",\"count\":2,\"tags\":[\"green\",\"loose\"],\"prices\":{\"eur\":4.5,\"usd\":5.25}}",
            "{\n  \"name\": \"caf\u00e9 \\u00e9 \\\"q\\\"\",\n  \"count\": -7,\n  \"tags\": [],\n  \"prices\": {}\n}",
            "{\"name\":null,\"count\":0,\"tags\":null,\"prices\":{\"x\":1e3}}",
    };
    private static final byte[] NOISE = "{}[]\",:\\ \n\r\t0123456789-+.eEtrufalsn\u00e9\u20ac".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldAnswerEveryDamagedDocumentWithAValueOrABoundedProblem() {
        long seed = Long.getLong("spindle.seed", System.nanoTime());
        System.out.println("JsonReadRandomTest seed " + seed + " (replay with -Dspindle.seed=" + seed + ")");
        Random random = new Random(seed);
        JsonCodec json = JsonCodec.create();
        int valid = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] input = damage(DOCUMENTS[random.nextInt(DOCUMENTS.length)].getBytes(StandardCharsets.UTF_8), random);
            JsonBody<JsonReadFuzzTest.Item> item = json.read(input, JsonReadFuzzTest.Item.class);
            JsonReadFuzzTest.check(input, item);
            JsonReadFuzzTest.check(input, json.read(input, JsonNode.class));
            if (item instanceof JsonBody.Valid<JsonReadFuzzTest.Item>(JsonReadFuzzTest.Item read)) {
                valid++;
                assertThat(json.read(json.write(read), JsonReadFuzzTest.Item.class)).as("seed %d, case %d", seed, i)
                        .isEqualTo(new JsonBody.Valid<>(read));
            }
        }
        assertThat(valid).as("some damage leaves a valid item (a digit changed, a space added)").isPositive();
    }

    private static byte[] damage(byte[] document, Random random) {
        byte[] bytes = document;
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            int at = random.nextInt(bytes.length + 1);
            byte[] next;
            switch (random.nextInt(4)) {
                case 0 -> { // delete one
                    if (at == bytes.length) {
                        continue;
                    }
                    next = new byte[bytes.length - 1];
                    System.arraycopy(bytes, 0, next, 0, at);
                    System.arraycopy(bytes, at + 1, next, at, bytes.length - at - 1);
                }
                case 1 -> { // insert one, often a JSON character, now and then any byte
                    next = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, next, 0, at);
                    next[at] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : NOISE[random.nextInt(NOISE.length)];
                    System.arraycopy(bytes, at, next, at + 1, bytes.length - at);
                }
                case 2 -> { // replace one
                    if (at == bytes.length) {
                        continue;
                    }
                    next = bytes.clone();
                    next[at] = NOISE[random.nextInt(NOISE.length)];
                }
                default -> next = java.util.Arrays.copyOf(bytes, at); // cut short
            }
            bytes = next;
        }
        return bytes;
    }
}
