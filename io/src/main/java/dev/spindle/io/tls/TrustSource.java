package dev.spindle.io.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * Immutable. The certificates a peer's chain must lead to: the JDK's own trust store (its
 * {@code cacerts}), a PEM bundle of CA certificates, or a key store's certificates.
 */
public sealed interface TrustSource {

    /** The JDK's trust store, as {@code TrustManagerFactory.init((KeyStore) null)} gives it. */
    TrustSource JDK_DEFAULT = new JdkDefault();

    /** {@return a source that trusts every certificate of a PEM file (a CA bundle)} */
    static TrustSource pem(Path caCertificates) {
        return new PemBundle(caCertificates);
    }

    /** {@return a source that trusts every certificate of a key store file} */
    static TrustSource keyStoreFile(Path file, char[] password) {
        return new KeyStoreFile(file, password);
    }

    /** {@return a source that trusts every certificate of a loaded key store} */
    static TrustSource keyStore(KeyStore store) {
        return new KeyStoreCertificates(store);
    }

    /** The JDK's trust store. */
    record JdkDefault() implements TrustSource {
    }

    /** The certificates of a PEM file. */
    record PemBundle(Path file) implements TrustSource {

        public PemBundle {
            Objects.requireNonNull(file, "file");
        }

        /** {@return the file's certificates, read now} */
        public List<X509Certificate> load() {
            return PemFiles.readCertificates(file);
        }
    }

    /** The certificates of a key store file. */
    record KeyStoreFile(Path file, char[] password) implements TrustSource {

        public KeyStoreFile {
            Objects.requireNonNull(file, "file");
            password = password == null ? null : password.clone();
        }

        /** {@return the store's certificates, read now} */
        public List<X509Certificate> load() {
            try {
                return KeyStores.certificates(KeyStore.getInstance(file.toFile(), password), file);
            } catch (IOException | GeneralSecurityException e) {
                throw new TlsMaterialException(file, "cannot open the trust store: " + e.getMessage(), e);
            }
        }
    }

    /** The certificates of a loaded key store. */
    record KeyStoreCertificates(KeyStore store) implements TrustSource {

        public KeyStoreCertificates {
            Objects.requireNonNull(store, "store");
        }

        /** {@return the store's certificates, read now} */
        public List<X509Certificate> load() {
            return KeyStores.certificates(store, null);
        }
    }
}
