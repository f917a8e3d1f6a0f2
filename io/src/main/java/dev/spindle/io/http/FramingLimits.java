package dev.spindle.io.http;

/**
 * Immutable. What the shared HTTP/1.1 framing is parameterised by in one parser: the message it
 * reads and its limits ({@link HttpServerOptions} for requests, {@link HttpClientOptions} for
 * responses). {@code maxHeadSize} bounds the head, and also a chunked body's extensions and its
 * trailer fields, which are read and dropped.
 */
record FramingLimits(MessageRole role, int maxHeadSize, int maxHeaders) {

    static FramingLimits of(HttpServerOptions options) {
        return new FramingLimits(MessageRole.REQUEST, options.maxHeadSize(), options.maxHeaders());
    }

    /** {@return why {@code error} refused a message, in words (allocates: for refusals only)} */
    String reason(FramingError error) {
        return error.text.replace("{role}", role.noun).replace("{start}", role.startLine)
                .replace("{limit}", Integer.toString(error == FramingError.TOO_MANY_FIELDS ? maxHeaders : maxHeadSize));
    }
}
