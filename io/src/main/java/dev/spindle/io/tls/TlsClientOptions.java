package dev.spindle.io.tls;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Immutable. How a TLS client checks the server it calls and what it offers; each {@code withX}
 * returns a copy, checked in the constructor. By default it trusts the JDK's CAs, checks that the
 * server's certificate names the host it called (endpoint identification {@code HTTPS}, RFC 2818),
 * sends that host as SNI, offers ALPN {@code http/1.1} and speaks TLS 1.3 or 1.2 only.
 *
 * @param trust                the CAs the server's chain must lead to (default: the JDK's)
 * @param verifyHostName       check the server's certificate against the host called (default on;
 *                             off only for tests and pinned peers)
 * @param clientKey            the certificate and key sent when a server asks for one (mutual
 *                             TLS); {@code null} (default): none
 * @param applicationProtocols ALPN protocols offered, most preferred first (default {@code http/1.1});
 *                             empty: no ALPN
 * @param protocols            TLS versions, from {@code TLSv1.3} and {@code TLSv1.2} (default both)
 * @param cipherSuites         JDK cipher suite names; empty (default): the JDK's enabled suites
 *                             less any that is not AEAD
 * @param handshakeTimeout     time from connect to the handshake's end (default 10 s); enforced by
 *                             the transport that drives the engine
 */
public record TlsClientOptions(TrustSource trust, boolean verifyHostName, KeySource clientKey,
        List<String> applicationProtocols, List<String> protocols, List<String> cipherSuites,
        Duration handshakeTimeout) {

    public TlsClientOptions {
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        applicationProtocols = TlsChecks.applicationProtocols(applicationProtocols);
        protocols = TlsChecks.protocols(protocols);
        cipherSuites = TlsChecks.cipherSuites(cipherSuites);
        if (!handshakeTimeout.isPositive()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive: " + handshakeTimeout);
        }
    }

    /** {@return options that call public HTTPS servers safely} */
    public static TlsClientOptions defaults() {
        return new TlsClientOptions(TrustSource.JDK_DEFAULT, true, null, List.of("http/1.1"),
                TlsChecks.DEFAULT_PROTOCOLS, List.of(), Duration.ofSeconds(10));
    }

    public TlsClientOptions withTrust(TrustSource source) {
        return new TlsClientOptions(source, verifyHostName, clientKey, applicationProtocols, protocols, cipherSuites,
                handshakeTimeout);
    }

    public TlsClientOptions withVerifyHostName(boolean on) {
        return new TlsClientOptions(trust, on, clientKey, applicationProtocols, protocols, cipherSuites, handshakeTimeout);
    }

    /** {@return a copy that presents this certificate and key to servers that ask (mutual TLS)} */
    public TlsClientOptions withClientKey(KeySource source) {
        return new TlsClientOptions(trust, verifyHostName, source, applicationProtocols, protocols, cipherSuites,
                handshakeTimeout);
    }

    public TlsClientOptions withApplicationProtocols(String... names) {
        return new TlsClientOptions(trust, verifyHostName, clientKey, List.of(names), protocols, cipherSuites,
                handshakeTimeout);
    }

    public TlsClientOptions withProtocols(String... names) {
        return new TlsClientOptions(trust, verifyHostName, clientKey, applicationProtocols, List.of(names), cipherSuites,
                handshakeTimeout);
    }

    public TlsClientOptions withCipherSuites(String... names) {
        return new TlsClientOptions(trust, verifyHostName, clientKey, applicationProtocols, protocols, List.of(names),
                handshakeTimeout);
    }

    public TlsClientOptions withHandshakeTimeout(Duration timeout) {
        return new TlsClientOptions(trust, verifyHostName, clientKey, applicationProtocols, protocols, cipherSuites,
                timeout);
    }
}
