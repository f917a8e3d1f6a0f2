package dev.spindle.io.tls;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;

/**
 * Immutable. Why a TLS handshake failed, in the few kinds a counter or a log line needs, read from
 * the JDK's exception once, when the handshake fails (never per request).
 *
 * <p>The JDK says why in exception types where it has them (an expired certificate, a path to no
 * trusted CA); otherwise its message starts with the TLS alert's name in parentheses
 * ({@code "(no_application_protocol) ..."}), and a refusal by the peer reads
 * {@code "(bad_certificate) Received fatal alert: bad_certificate"}. Alert names are the
 * protocol's (RFC 8446 section 6), stable across JDK releases; anything else is {@link #OTHER}.
 */
public enum TlsFailure {
    /** The server's certificate does not name the host called (client side). */
    HOST_NAME_MISMATCH,
    /** A certificate in the peer's chain has expired. */
    CERTIFICATE_EXPIRED,
    /** The peer's chain leads to no trusted CA, or does not validate. */
    CERTIFICATE_UNTRUSTED,
    /** Mutual TLS required a client certificate and none came (server side). */
    NO_CLIENT_CERTIFICATE,
    /** No TLS version both sides enable (an old client, TLS 1.1 or below). */
    PROTOCOL_VERSION,
    /** No cipher suite, group or signature scheme both sides enable. */
    NO_COMMON_CIPHER,
    /** ALPN with {@code strictAlpn}: the client offered none of the server's protocols. */
    NO_APPLICATION_PROTOCOL,
    /** The peer refused the handshake with a fatal alert (its reason is on its side). */
    PEER_ALERT,
    /**
     * The peer closed or reset the connection before the handshake finished: a client that gave
     * up, a scanner, or a flood that makes the server sign and leaves (counted by the transport,
     * never read from an exception).
     */
    ABANDONED,
    /** Anything else: garbage, a record the engine could not parse, an internal error. */
    OTHER;

    /** {@return the kind of {@code failure}, an exception an {@code SSLEngine} threw} */
    public static TlsFailure of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return CERTIFICATE_EXPIRED;
            }
            if (t instanceof CertPathValidatorException invalid) {
                return invalid.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                        ? CERTIFICATE_EXPIRED : CERTIFICATE_UNTRUSTED;
            }
            if (t instanceof CertPathBuilderException) {
                return CERTIFICATE_UNTRUSTED;
            }
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (message.startsWith("No subject alternative") || message.startsWith("No name matching")) {
                return HOST_NAME_MISMATCH;
            }
        }
        String message = failure.getMessage() == null ? "" : failure.getMessage();
        if (message.contains("Received fatal alert: ")) { // "(bad_certificate) Received fatal alert: bad_certificate"
            return PEER_ALERT;
        }
        if (message.startsWith("(no_application_protocol)")) {
            return NO_APPLICATION_PROTOCOL;
        }
        if (message.startsWith("(protocol_version)")) {
            return PROTOCOL_VERSION;
        }
        if (message.contains("Empty client certificate chain")) {
            return NO_CLIENT_CERTIFICATE;
        }
        if (message.startsWith("(handshake_failure)") || message.startsWith("(insufficient_security)")) {
            return NO_COMMON_CIPHER;
        }
        return OTHER;
    }
}
