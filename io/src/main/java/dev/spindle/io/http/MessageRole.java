package dev.spindle.io.http;

/** Stateless. Which message of an HTTP/1.1 exchange a parser reads: the nouns its refusals use. */
enum MessageRole {
    REQUEST("request", "request line"),
    RESPONSE("response", "status line");

    final String noun;
    final String startLine;

    MessageRole(String noun, String startLine) {
        this.noun = noun;
        this.startLine = startLine;
    }
}
