package dev.spindle.io.tls;

/** Immutable. Whether a TLS server asks its clients for a certificate (mutual TLS). */
public enum ClientAuth {
    /** No client certificate is asked for. */
    NONE,
    /** A certificate is asked for; a client without one is served, one with an untrusted one is refused. */
    OPTIONAL,
    /** A trusted client certificate is required; a client without one is refused in the handshake. */
    REQUIRED
}
