package dev.spindle.io.http;

/** Thread-safe. Where an answered request goes: the connection it came from, which writes answers in order. */
interface HttpConnectionSink {
    void answered(HttpRequest request);
}
