package dev.spindle.io.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Thread-safe. A trust manager whose trusted CAs can be replaced while handshakes run: each check
 * goes to the JDK's PKIX trust manager of the current snapshot (one volatile read), and
 * {@link #reload} builds the new one first, then publishes it with one volatile write. A source
 * that cannot be read leaves the old CAs in use. Host names are checked by the JDK's manager, as
 * the engine's endpoint identification asks.
 */
public final class ReloadableTrustManager extends X509ExtendedTrustManager {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadableTrustManager.class);

    private volatile Trust trust;
    private final ReentrantLock reloading = new ReentrantLock();
    private final LongAdder reloadsSucceeded = new LongAdder();
    private final LongAdder reloadsFailed = new LongAdder();

    private ReloadableTrustManager(Trust first) {
        this.trust = first;
    }

    /**
     * {@return a trust manager trusting {@code source}'s certificates}
     *
     * @throws TlsMaterialException when the source cannot be read
     */
    public static ReloadableTrustManager load(TrustSource source) {
        return new ReloadableTrustManager(Trust.load(1, source));
    }

    /** Builds a trust manager from {@code source} and swaps it in; blocks on file reads. */
    public ReloadOutcome reload(TrustSource source) {
        reloading.lock();
        try {
            Trust old = trust;
            try {
                Trust fresh = Trust.load(old.generation + 1, source);
                trust = fresh; // release: the delegate is complete before handshakes can read it
                reloadsSucceeded.increment();
                return new ReloadOutcome.Reloaded(fresh.generation);
            } catch (TlsMaterialException e) {
                reloadsFailed.increment();
                LOG.warn("TLS trust reload refused, generation {} stays in use: {}", old.generation, e.getMessage());
                return new ReloadOutcome.Kept(old.generation, e);
            }
        } finally {
            reloading.unlock();
        }
    }

    public long generation() {
        return trust.generation;
    }

    public long reloadsSucceeded() {
        return reloadsSucceeded.sum();
    }

    public long reloadsFailed() {
        return reloadsFailed.sum();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        trust.delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        trust.delegate.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        trust.delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        trust.delegate.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        trust.delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        trust.delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return trust.delegate.getAcceptedIssuers();
    }

    private record Trust(long generation, X509ExtendedTrustManager delegate) {

        static Trust load(long generation, TrustSource source) {
            Objects.requireNonNull(source, "source");
            KeyStore anchors = switch (source) {
                case TrustSource.JdkDefault ignored -> null;
                case TrustSource.PemBundle pem -> store(pem.load());
                case TrustSource.KeyStoreFile file -> store(file.load());
                case TrustSource.KeyStoreCertificates loaded -> store(loaded.load());
            };
            try {
                TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
                factory.init(anchors);
                for (TrustManager manager : factory.getTrustManagers()) {
                    if (manager instanceof X509ExtendedTrustManager extended) {
                        return new Trust(generation, extended);
                    }
                }
                throw new IllegalStateException("the JDK's PKIX trust manager factory made no X509ExtendedTrustManager");
            } catch (GeneralSecurityException e) {
                throw new TlsMaterialException(null, "cannot build a trust manager: " + e.getMessage(), e);
            }
        }

        private static KeyStore store(List<X509Certificate> certificates) {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                int i = 0;
                for (X509Certificate certificate : certificates) {
                    store.setCertificateEntry("ca-" + (++i), certificate);
                }
                return store;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("an empty in-memory PKCS12 store always loads", e);
            }
        }
    }
}
