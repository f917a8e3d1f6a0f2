package dev.spindle.io.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Immutable. What a finished TLS handshake agreed, read from the engine once, so that code which
 * asks per request (a route's {@code request.tls()}) never calls {@code getPeerCertificates()},
 * which throws, and so costs an exception, every time a client sent no certificate.
 *
 * @param protocol            {@code TLSv1.3} or {@code TLSv1.2}
 * @param cipherSuite         the suite agreed
 * @param applicationProtocol the ALPN protocol agreed; empty when none was
 * @param serverName          the host name the client sent (SNI), in lower case, or {@code null}
 * @param peerChain           the peer's certificates, its own first; empty when it sent none
 */
public record TlsInfo(String protocol, String cipherSuite, String applicationProtocol, String serverName,
        List<X509Certificate> peerChain) {

    public TlsInfo {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipherSuite, "cipherSuite");
        Objects.requireNonNull(applicationProtocol, "applicationProtocol");
        peerChain = List.copyOf(peerChain);
    }

    /**
     * {@return what {@code engine}'s finished handshake agreed} Call it once, when the handshake
     * has finished, on the thread that owns the engine.
     */
    public static TlsInfo of(SSLEngine engine) {
        SSLSession session = engine.getSession();
        String alpn = engine.getApplicationProtocol();
        String serverName = session instanceof ExtendedSSLSession ? ReloadableKeyManager.requestedHostName(session) : null;
        // A server that asked for no client certificate has none to read: asking would throw (and
        // cost an exception with its stack trace per handshake).
        boolean peerMaySend = engine.getUseClientMode() || engine.getNeedClientAuth() || engine.getWantClientAuth();
        return new TlsInfo(session.getProtocol(), session.getCipherSuite(), alpn == null ? "" : alpn, serverName,
                peerMaySend ? peerChain(session) : List.of());
    }

    /** {@return the peer's own certificate, or {@code null} when it sent none} */
    public X509Certificate peerCertificate() {
        return peerChain.isEmpty() ? null : peerChain.getFirst();
    }

    private static List<X509Certificate> peerChain(SSLSession session) {
        Certificate[] certificates;
        try {
            certificates = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException none) {
            return List.of(); // no client certificate: the normal case without mutual TLS
        }
        List<X509Certificate> chain = new ArrayList<>(certificates.length);
        for (Certificate certificate : certificates) {
            if (certificate instanceof X509Certificate x509) {
                chain.add(x509);
            }
        }
        return chain;
    }
}
