package dev.spindle.io.tls;

import java.util.Map;

/**
 * Immutable. What a TLS server's (or client's) handshakes came to, since it started: a snapshot.
 *
 * @param handshakes           handshakes finished
 * @param failed               handshakes that failed, of every kind (the ones below included)
 * @param failures             the failed ones by kind ({@link TlsFailure}), kinds seen only
 * @param timedOut             handshakes not finished within the handshake timeout (failed too)
 * @param oversized            handshakes closed for sending more than the handshake byte cap (failed too)
 * @param plaintextRefused     connections whose first bytes were not TLS (a plaintext client; failed too)
 * @param renegotiationRefused connections closed for starting a renegotiation (TLS 1.2)
 * @param badRecords           connections closed after their handshake for a record the engine
 *                             refused (garbage, a bad tag, a record too long), its alert sent first
 */
public record TlsStats(long handshakes, long failed, Map<TlsFailure, Long> failures, long timedOut, long oversized,
        long plaintextRefused, long renegotiationRefused, long badRecords) {

    public TlsStats {
        failures = Map.copyOf(failures);
    }

    /** {@return no handshakes at all: for a server without TLS} */
    public static TlsStats none() {
        return new TlsStats(0, 0, Map.of(), 0, 0, 0, 0, 0);
    }
}
