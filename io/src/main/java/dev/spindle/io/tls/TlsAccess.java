package dev.spindle.io.tls;

import dev.spindle.io.internal.Internals;
import dev.spindle.io.internal.TlsCounters;

/** Thread-safe. Lets io's internals reach a TLS context's counters without making them public API. */
final class TlsAccess {

    private TlsAccess() {
    }

    static void register() {
        Internals.setTlsCounterAccess(TlsAccess::counters);
    }

    private static TlsCounters counters(Object context) {
        return switch (context) {
            case TlsServerContext server -> server.counters();
            case TlsClientContext client -> client.counters();
            default -> throw new IllegalArgumentException("not a TLS context: " + context);
        };
    }
}
