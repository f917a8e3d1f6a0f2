package dev.spindle.io.http;

import dev.spindle.io.internal.Recipient;

/** Thread-safe. Where an answered request goes: the connection it came from, which writes answers in order. */
interface HttpConnectionSink {

    void answered(HttpRequest request);

    /** A streamed answer for a request of this connection, its events to {@code events}. */
    StreamedAnswer newStream(Recipient<ResponseWriterEvent, ?> events, long declaredLength);

    /** A stream of this connection has something new: bytes, its end, or an abort. */
    void streamed();
}
