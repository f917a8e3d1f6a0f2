package dev.spindle.io.tls;

import dev.spindle.io.internal.TlsCounters;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * Thread-safe. A TLS server's one {@code SSLContext}, built from {@link TlsServerOptions} around a
 * {@link ReloadableKeyManager} (and, for mutual TLS, a {@link ReloadableTrustManager}), and the
 * factory of its configured server {@code SSLEngine}s. Reloading swaps the managers' material;
 * the context and its engines' settings stay.
 *
 * <p>ALPN: the engine chooses with a selector, our protocols in our order of preference. A client
 * that offers none of them gets {@code ""} (no ALPN in the answer, the handshake goes on; the
 * transport then speaks our first protocol), or, with {@link TlsServerOptions#strictAlpn()},
 * {@code null}, which makes the JDK send the fatal {@code no_application_protocol} alert (RFC 7301
 * section 3.2). Lenient is the default because clients that offer only {@code h2} and fall back
 * to HTTP/1.1 (curl) are common, and a refused handshake tells their users nothing.
 */
public final class TlsServerContext {

    static {
        TlsAccess.register();
    }

    /** This context's handshakes, counted by the transports that use its engines. */
    private final TlsCounters counters = new TlsCounters();

    private final TlsServerOptions options;
    private final ReloadableKeyManager keys;
    private final ReloadableTrustManager clientTrust;
    private final SSLContext context;
    private final String[] protocols;
    private final String[] cipherSuites;

    private TlsServerContext(TlsServerOptions options) {
        this.options = options;
        this.keys = ReloadableKeyManager.load(options.key(), options.hostKeys());
        this.clientTrust = options.clientTrust() == null ? null : ReloadableTrustManager.load(options.clientTrust());
        this.context = sslContext(keys, clientTrust);
        this.protocols = options.protocols().toArray(String[]::new);
        this.cipherSuites = suites(context, options.cipherSuites());
    }

    /**
     * {@return a server context, its key material loaded and checked}
     *
     * @throws TlsMaterialException     when key or trust material cannot be used (names the file)
     * @throws IllegalArgumentException when a configured cipher suite is unknown to this JDK
     */
    public static TlsServerContext create(TlsServerOptions options) {
        return new TlsServerContext(options);
    }

    /** {@return a new server engine with this server's settings, for a connection from this peer} */
    public SSLEngine newEngine(String peerHost, int peerPort) {
        SSLEngine engine = context.createSSLEngine(peerHost, peerPort);
        configure(engine);
        return engine;
    }

    /** {@return a new server engine with this server's settings} */
    public SSLEngine newEngine() {
        SSLEngine engine = context.createSSLEngine();
        configure(engine);
        return engine;
    }

    /**
     * Reads the configured key sources again (renewed files) and swaps them in for new
     * handshakes; blocks on file reads, so call it off any event loop.
     */
    public ReloadOutcome reload() {
        return keys.reload(options.key(), options.hostKeys());
    }

    /** {@return the key manager, for reloads with other sources and its counters} */
    public ReloadableKeyManager keyManager() {
        return keys;
    }

    /** {@return the trust manager for client certificates, or {@code null} without mutual TLS} */
    public ReloadableTrustManager clientTrustManager() {
        return clientTrust;
    }

    public TlsServerOptions options() {
        return options;
    }

    private void configure(SSLEngine engine) {
        engine.setUseClientMode(false);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(protocols);
        parameters.setCipherSuites(cipherSuites);
        parameters.setUseCipherSuitesOrder(true); // ours: AES-GCM first, half ChaCha20's CPU with AES-NI
        switch (options.clientAuth()) {
            case NONE -> parameters.setNeedClientAuth(false);
            case OPTIONAL -> parameters.setWantClientAuth(true);
            case REQUIRED -> parameters.setNeedClientAuth(true);
        }
        engine.setSSLParameters(parameters);
        List<String> ours = options.applicationProtocols();
        if (!ours.isEmpty()) {
            String none = options.strictAlpn() ? null : "";
            engine.setHandshakeApplicationProtocolSelector((e, offered) -> {
                for (String protocol : ours) {
                    if (offered.contains(protocol)) {
                        return protocol;
                    }
                }
                return none;
            });
        }
    }

    static SSLContext sslContext(ReloadableKeyManager keys, ReloadableTrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : new KeyManager[] {keys},
                    trust == null ? null : new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's TLS provider could not be initialised", e);
        }
    }

    static String[] suites(SSLContext context, List<String> configured) {
        Set<String> supported = Set.of(context.getSupportedSSLParameters().getCipherSuites());
        for (String suite : configured) {
            if (!supported.contains(suite)) {
                throw new IllegalArgumentException("cipherSuites: " + suite + " is not supported by this JDK");
            }
        }
        String[] enabled = TlsChecks.enabledSuites(configured, context.getDefaultSSLParameters().getCipherSuites());
        if (enabled.length == 0) {
            throw new IllegalArgumentException("cipherSuites: none left to enable from " + Arrays.toString(
                    context.getDefaultSSLParameters().getCipherSuites()));
        }
        return enabled;
    }

    /** {@return what the handshakes on connections using this context came to, so far} */
    public TlsStats stats() {
        return counters.snapshot();
    }

    TlsCounters counters() {
        return counters;
    }
}
