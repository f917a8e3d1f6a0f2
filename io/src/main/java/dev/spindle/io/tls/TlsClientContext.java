package dev.spindle.io.tls;

import dev.spindle.io.internal.TlsCounters;

import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Thread-safe. A TLS client's one {@code SSLContext}, built from {@link TlsClientOptions}, and the
 * factory of its configured client {@code SSLEngine}s, one per connection to a host.
 *
 * <p>SNI: the engine sends the host it was made for whenever that is a name, not an IP literal,
 * as Node does; the JDK alone would send none for a name without a dot such as {@code localhost}.
 */
public final class TlsClientContext {

    static {
        TlsAccess.register();
    }

    /** This context's handshakes, counted by the transports that use its engines. */
    private final TlsCounters counters = new TlsCounters();

    private final TlsClientOptions options;
    private final ReloadableTrustManager trust;
    private final ReloadableKeyManager clientKey;
    private final SSLContext context;
    private final String[] protocols;
    private final String[] cipherSuites;

    private TlsClientContext(TlsClientOptions options) {
        this.options = options;
        this.trust = ReloadableTrustManager.load(options.trust());
        this.clientKey = options.clientKey() == null ? null : ReloadableKeyManager.load(options.clientKey(), Map.of());
        this.context = TlsServerContext.sslContext(clientKey, trust);
        this.protocols = options.protocols().toArray(String[]::new);
        this.cipherSuites = TlsServerContext.suites(context, options.cipherSuites());
    }

    /**
     * {@return a client context, its trust (and client key, if any) loaded and checked}
     *
     * @throws TlsMaterialException     when trust or key material cannot be used (names the file)
     * @throws IllegalArgumentException when a configured cipher suite is unknown to this JDK
     */
    public static TlsClientContext create(TlsClientOptions options) {
        return new TlsClientContext(options);
    }

    /**
     * {@return a new client engine for a connection to {@code host}} {@code host} is what the
     * server's certificate must name (when {@link TlsClientOptions#verifyHostName()}) and what is
     * sent as SNI; {@code port} lets the JDK resume a session with the same server.
     */
    public SSLEngine newEngine(String host, int port) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(protocols);
        parameters.setCipherSuites(cipherSuites);
        if (options.verifyHostName()) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        SNIHostName sni = sniName(host);
        if (sni != null) {
            parameters.setServerNames(List.of(sni));
        }
        if (!options.applicationProtocols().isEmpty()) {
            parameters.setApplicationProtocols(options.applicationProtocols().toArray(String[]::new));
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** {@return the trust manager, for reloads} */
    public ReloadableTrustManager trustManager() {
        return trust;
    }

    /** {@return the client certificate's key manager, or {@code null} when no client key is set} */
    public ReloadableKeyManager clientKeyManager() {
        return clientKey;
    }

    public TlsClientOptions options() {
        return options;
    }

    /** {@return the SNI name for a host, or {@code null} for an IP literal or a name SNI cannot carry} */
    static SNIHostName sniName(String host) {
        if (host == null || host.isEmpty() || host.indexOf(':') >= 0 || host.startsWith("[")) {
            return null; // IPv6 literal
        }
        boolean ipv4 = true;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(c == '.' || (c >= '0' && c <= '9'))) {
                ipv4 = false;
                break;
            }
        }
        if (ipv4) {
            return null; // RFC 6066 section 3: literal IP addresses are not permitted in SNI
        }
        try {
            return new SNIHostName(host.endsWith(".") ? host.substring(0, host.length() - 1) : host);
        } catch (IllegalArgumentException notAHostName) {
            return null;
        }
    }

    /** {@return what the handshakes on connections using this context came to, so far} */
    public TlsStats stats() {
        return counters.snapshot();
    }

    TlsCounters counters() {
        return counters;
    }
}
