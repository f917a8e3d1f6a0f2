package dev.spindle.io.http;

/**
 * Stateless. Every refusal of the HTTP/1.1 framing shared by {@link RequestParser} and
 * {@link ResponseParser}: one text for both (see {@link FramingLimits#reason}), the status a server
 * answers a request with, and whether a size limit was passed (the client's {@code LIMIT_EXCEEDED}).
 */
enum FramingError {
    // The head (HeadScanner).
    HEAD_TOO_LARGE(431, true, "{role} head larger than {limit} bytes"),
    BARE_LF_IN_HEAD(400, false, "bare LF in the {role} head"),
    EMPTY_START_LINE(400, false, "empty {start}"),
    // Field lines (FieldLine).
    TOO_MANY_FIELDS(431, true, "more than {limit} header fields"),
    OBSOLETE_LINE_FOLDING(400, false, "obsolete line folding"),
    MALFORMED_FIELD(400, false, "malformed header field"),
    INVALID_VALUE_CHARACTER(400, false, "invalid character in a header value"),
    BARE_CR_IN_HEAD(400, false, "bare CR in the {role} head"),
    // Body framing fields (BodyFraming).
    INVALID_CONTENT_LENGTH(400, false, "invalid Content-Length"),
    CONFLICTING_CONTENT_LENGTHS(400, false, "conflicting Content-Length values"),
    CHUNKED_NOT_ONLY_AND_FINAL(400, false, "chunked must be the only and final transfer coding"),
    UNSUPPORTED_TRANSFER_CODING(501, false, "transfer coding not supported"),
    CONTENT_LENGTH_WITH_TRANSFER_ENCODING(400, false, "both Content-Length and Transfer-Encoding"),
    TRANSFER_ENCODING_IN_HTTP10(400, false, "Transfer-Encoding in an HTTP/1.0 {role}"),
    // Chunked bodies (ChunkedDecoder).
    CHUNK_SIZE_NOT_HEX(400, false, "chunk size is not hexadecimal"),
    CHUNK_SIZE_TOO_LONG(400, false, "chunk size too long"),
    INVALID_AFTER_CHUNK_SIZE(400, false, "invalid character after chunk size"),
    INVALID_CHUNK_EXTENSION_CHARACTER(400, false, "invalid character in chunk extension"),
    CHUNK_EXTENSIONS_TOO_LARGE(400, true, "chunk extensions larger than {limit} bytes"),
    CHUNK_SIZE_LINE_NOT_CRLF(400, false, "chunk size line not ended by CRLF"),
    CHUNK_DATA_NOT_CRLF(400, false, "chunk data not followed by CRLF"),
    TRAILERS_TOO_LARGE(431, true, "trailer fields larger than {limit} bytes"),
    BARE_LF_IN_TRAILERS(400, false, "bare LF in trailer fields"),
    BARE_CR_IN_TRAILERS(400, false, "bare CR in trailer fields"),
    INVALID_TRAILER_CHARACTER(400, false, "invalid character in trailer fields");

    /** The status a server answers a request refused for this with. */
    final int requestStatus;
    /** Whether this passed a size limit rather than broke a rule. */
    final boolean limit;
    /** The reason, {@code {role}}, {@code {start}} and {@code {limit}} standing for the parser's own. */
    final String text;

    FramingError(int requestStatus, boolean limit, String text) {
        this.requestStatus = requestStatus;
        this.limit = limit;
        this.text = text;
    }
}
