package dev.spindle.json;

import tools.jackson.core.StreamReadConstraints;

/**
 * Immutable. How much of a JSON document a {@link JsonCodec} made by {@link JsonCodec#create(JsonOptions)}
 * reads before it refuses it: hostile input is bounded in every dimension Jackson can bound
 * (its {@link StreamReadConstraints}), on top of the server's
 * {@link dev.spindle.io.http.HttpServerOptions#maxBodySize() maxBodySize}. A document past a
 * limit is a {@link JsonProblem} (400) that names the limit, read no further.
 *
 * @param maxNestingDepth   arrays and objects inside one another (default 64; Jackson's own: 500)
 * @param maxNumberLength   characters of one number (default 100: any double or long, and decimals
 *                          far beyond them; Jackson's own: 1,000)
 * @param maxStringLength   characters of one string value (default 1 Mi; Jackson's own: 100 M)
 * @param maxNameLength     characters of one member name (default 1,024; Jackson's own: 50,000)
 * @param maxDocumentLength bytes of one document (default 16 MiB; Jackson's own: none)
 * @param maxTokenCount     tokens of one document (default 1,000,000; Jackson's own: none)
 */
public record JsonOptions(int maxNestingDepth, int maxNumberLength, int maxStringLength, int maxNameLength,
        long maxDocumentLength, long maxTokenCount) {

    public JsonOptions {
        atLeastOne("maxNestingDepth", maxNestingDepth);
        atLeastOne("maxNumberLength", maxNumberLength);
        atLeastOne("maxStringLength", maxStringLength);
        atLeastOne("maxNameLength", maxNameLength);
        atLeastOne("maxDocumentLength", maxDocumentLength);
        atLeastOne("maxTokenCount", maxTokenCount);
    }

    private static void atLeastOne(String field, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be at least 1: " + value);
        }
    }

    /** {@return the limits in force when none are given} (see each field) */
    public static JsonOptions defaults() {
        return new JsonOptions(64, 100, 1 << 20, 1024, 16L << 20, 1_000_000L);
    }

    public JsonOptions withMaxNestingDepth(int depth) {
        return new JsonOptions(depth, maxNumberLength, maxStringLength, maxNameLength, maxDocumentLength, maxTokenCount);
    }

    public JsonOptions withMaxNumberLength(int characters) {
        return new JsonOptions(maxNestingDepth, characters, maxStringLength, maxNameLength, maxDocumentLength, maxTokenCount);
    }

    public JsonOptions withMaxStringLength(int characters) {
        return new JsonOptions(maxNestingDepth, maxNumberLength, characters, maxNameLength, maxDocumentLength, maxTokenCount);
    }

    public JsonOptions withMaxNameLength(int characters) {
        return new JsonOptions(maxNestingDepth, maxNumberLength, maxStringLength, characters, maxDocumentLength, maxTokenCount);
    }

    public JsonOptions withMaxDocumentLength(long bytes) {
        return new JsonOptions(maxNestingDepth, maxNumberLength, maxStringLength, maxNameLength, bytes, maxTokenCount);
    }

    public JsonOptions withMaxTokenCount(long tokens) {
        return new JsonOptions(maxNestingDepth, maxNumberLength, maxStringLength, maxNameLength, maxDocumentLength, tokens);
    }

    /** {@return these limits as Jackson's} */
    public StreamReadConstraints constraints() {
        return StreamReadConstraints.builder().maxNestingDepth(maxNestingDepth).maxNumberLength(maxNumberLength)
                .maxStringLength(maxStringLength).maxNameLength(maxNameLength).maxDocumentLength(maxDocumentLength)
                .maxTokenCount(maxTokenCount).build();
    }
}
