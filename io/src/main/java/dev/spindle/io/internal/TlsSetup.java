package dev.spindle.io.internal;

import javax.net.ssl.SSLEngine;
import java.time.Duration;

/**
 * Immutable once built; the engine is then the transport's. What a {@link Transport} needs to speak
 * TLS on one connection.
 *
 * @param engine            a new engine, in client or server mode, configured
 * @param counters          where its handshake is counted
 * @param handshakeTimeout  from the transport's start to the handshake's end
 * @param maxHandshakeBytes bytes the peer may send before the handshake ends
 * @param plaintextAnswer   sent (in the clear) to a server's peer whose first bytes are not TLS
 *                          but ASCII (a plaintext HTTP client), before closing; or null
 */
public record TlsSetup(SSLEngine engine, TlsCounters counters, Duration handshakeTimeout, int maxHandshakeBytes,
        byte[] plaintextAnswer) {
}
