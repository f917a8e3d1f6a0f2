package dev.spindle.io.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable. How a TLS server proves who it is and what it accepts; each {@code withX} returns
 * a copy, checked in the constructor. The defaults are Node's and Vert.x's: TLS 1.3 and 1.2 only,
 * AEAD cipher suites only, ALPN {@code http/1.1}, no client certificates, a 10 s handshake.
 *
 * <p>SNI: a client that names a host in {@code hostKeys} (exactly, or under a {@code *.example.com}
 * wildcard, one label deep) gets that host's certificate; any other client, and one that names no
 * host (an IP address, an old client), gets {@code key}'s. Unknown names are not refused: as with
 * Vert.x and nginx, the default certificate answers, and the client's host-name check decides.
 *
 * @param key                  the default key and certificate chain
 * @param hostKeys             per SNI host name ({@code a.example.com} or {@code *.example.com},
 *                             lower case): the key and chain for that name (default none)
 * @param applicationProtocols ALPN protocols, most preferred first (default {@code http/1.1});
 *                             empty: no ALPN
 * @param strictAlpn           a client that offers ALPN protocols but none of ours: {@code true}
 *                             refuses it with the {@code no_application_protocol} alert (RFC 7301),
 *                             {@code false} (default) answers without ALPN and the connection
 *                             speaks our first protocol
 * @param clientAuth           whether clients are asked for a certificate (default {@link ClientAuth#NONE})
 * @param clientTrust          the CAs a client certificate must lead to; required unless
 *                             {@code clientAuth} is {@code NONE}, and never the JDK's public CAs
 * @param protocols            TLS versions, from {@code TLSv1.3} and {@code TLSv1.2} (default both)
 * @param cipherSuites         JDK cipher suite names; empty (default): the JDK's enabled suites
 *                             less any that is not AEAD (TLS 1.2's CBC and NULL suites)
 * @param handshakeTimeout     time from accept to the handshake's end; then the connection closes
 *                             (default 10 s: a slow handshake is the TLS slowloris); enforced by
 *                             the transport that drives the engine
 * @param maxHandshakeBytes    bytes a client may make the server buffer before its handshake
 *                             ends (default 64 KiB); enforced by the transport that drives the engine
 */
public record TlsServerOptions(KeySource key, Map<String, KeySource> hostKeys, List<String> applicationProtocols,
        boolean strictAlpn, ClientAuth clientAuth, TrustSource clientTrust, List<String> protocols,
        List<String> cipherSuites, Duration handshakeTimeout, int maxHandshakeBytes) {

    public TlsServerOptions {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(clientAuth, "clientAuth");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        hostKeys = hostNames(hostKeys);
        applicationProtocols = TlsChecks.applicationProtocols(applicationProtocols);
        protocols = TlsChecks.protocols(protocols);
        cipherSuites = TlsChecks.cipherSuites(cipherSuites);
        if (clientAuth != ClientAuth.NONE && clientTrust == null) {
            throw new IllegalArgumentException("clientTrust is required when clientAuth is " + clientAuth
                    + ": name the CA certificates that issue your clients' certificates");
        }
        if (clientTrust instanceof TrustSource.JdkDefault) {
            throw new IllegalArgumentException("clientTrust must not be the JDK's public CAs: any certificate a"
                    + " public CA issued would pass as a client; name your own CA");
        }
        if (!handshakeTimeout.isPositive()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive: " + handshakeTimeout);
        }
        if (maxHandshakeBytes < 16 * 1024 + 2048 + 5) {
            throw new IllegalArgumentException("maxHandshakeBytes must hold at least one whole TLS record (18,437"
                    + " bytes): " + maxHandshakeBytes);
        }
    }

    /** {@return the defaults, serving this key and chain} */
    public static TlsServerOptions of(KeySource key) {
        return new TlsServerOptions(key, Map.of(), List.of("http/1.1"), false, ClientAuth.NONE, null,
                TlsChecks.DEFAULT_PROTOCOLS, List.of(), Duration.ofSeconds(10), 64 * 1024);
    }

    /** {@return the defaults, serving a PEM certificate chain and PKCS#8 key (may be one file)} */
    public static TlsServerOptions pem(Path certificateChain, Path privateKey) {
        return of(KeySource.pem(certificateChain, privateKey));
    }

    public TlsServerOptions withKey(KeySource source) {
        return new TlsServerOptions(source, hostKeys, applicationProtocols, strictAlpn, clientAuth, clientTrust, protocols,
                cipherSuites, handshakeTimeout, maxHandshakeBytes);
    }

    /** {@return a copy that also serves {@code source} to clients asking for {@code hostName} (or {@code *.domain})} */
    public TlsServerOptions withHostKey(String hostName, KeySource source) {
        Map<String, KeySource> more = new HashMap<>(hostKeys);
        more.put(hostName, Objects.requireNonNull(source, "source"));
        return withHostKeys(more);
    }

    public TlsServerOptions withHostKeys(Map<String, KeySource> sources) {
        return new TlsServerOptions(key, sources, applicationProtocols, strictAlpn, clientAuth, clientTrust, protocols,
                cipherSuites, handshakeTimeout, maxHandshakeBytes);
    }

    public TlsServerOptions withApplicationProtocols(String... names) {
        return new TlsServerOptions(key, hostKeys, List.of(names), strictAlpn, clientAuth, clientTrust, protocols,
                cipherSuites, handshakeTimeout, maxHandshakeBytes);
    }

    public TlsServerOptions withStrictAlpn(boolean on) {
        return new TlsServerOptions(key, hostKeys, applicationProtocols, on, clientAuth, clientTrust, protocols,
                cipherSuites, handshakeTimeout, maxHandshakeBytes);
    }

    /** {@return a copy that asks clients for certificates issued by {@code trust}'s CAs} */
    public TlsServerOptions withClientAuth(ClientAuth mode, TrustSource trust) {
        return new TlsServerOptions(key, hostKeys, applicationProtocols, strictAlpn, mode, trust, protocols,
                cipherSuites, handshakeTimeout, maxHandshakeBytes);
    }

    public TlsServerOptions withProtocols(String... names) {
        return new TlsServerOptions(key, hostKeys, applicationProtocols, strictAlpn, clientAuth, clientTrust,
                List.of(names), cipherSuites, handshakeTimeout, maxHandshakeBytes);
    }

    public TlsServerOptions withCipherSuites(String... names) {
        return new TlsServerOptions(key, hostKeys, applicationProtocols, strictAlpn, clientAuth, clientTrust, protocols,
                List.of(names), handshakeTimeout, maxHandshakeBytes);
    }

    public TlsServerOptions withHandshakeTimeout(Duration timeout) {
        return new TlsServerOptions(key, hostKeys, applicationProtocols, strictAlpn, clientAuth, clientTrust, protocols,
                cipherSuites, timeout, maxHandshakeBytes);
    }

    public TlsServerOptions withMaxHandshakeBytes(int bytes) {
        return new TlsServerOptions(key, hostKeys, applicationProtocols, strictAlpn, clientAuth, clientTrust, protocols,
                cipherSuites, handshakeTimeout, bytes);
    }

    private static Map<String, KeySource> hostNames(Map<String, KeySource> hostKeys) {
        Map<String, KeySource> normalised = new HashMap<>();
        for (Map.Entry<String, KeySource> e : Objects.requireNonNull(hostKeys, "hostKeys").entrySet()) {
            String name = TlsChecks.hostPattern(e.getKey());
            if (normalised.put(name, Objects.requireNonNull(e.getValue(), "hostKeys[" + name + "]")) != null) {
                throw new IllegalArgumentException("hostKeys names " + name + " twice");
            }
        }
        return Map.copyOf(normalised);
    }
}
