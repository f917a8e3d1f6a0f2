package dev.spindle.io.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Thread-safe (stateless). Reads key entries and certificates out of key stores. */
final class KeyStores {

    private KeyStores() {
    }

    static KeyMaterial entry(KeyStore store, char[] password, String alias, Path file) {
        try {
            String name = alias != null ? alias : onlyKeyAlias(store, file);
            if (!store.isKeyEntry(name)) {
                throw new TlsMaterialException(file, "the key store has no key entry '" + name + "'; it has "
                        + Collections.list(store.aliases()));
            }
            Key key = store.getKey(name, password);
            if (!(key instanceof PrivateKey privateKey)) {
                throw new TlsMaterialException(file, "the key store entry '" + name + "' is not a private key");
            }
            Certificate[] certificates = store.getCertificateChain(name);
            if (certificates == null || certificates.length == 0) {
                throw new TlsMaterialException(file, "the key store entry '" + name + "' has no certificate chain");
            }
            List<X509Certificate> chain = new ArrayList<>(certificates.length);
            for (Certificate certificate : certificates) {
                if (!(certificate instanceof X509Certificate x509)) {
                    throw new TlsMaterialException(file, "the key store entry '" + name + "' holds a "
                            + certificate.getType() + " certificate, not X.509");
                }
                chain.add(x509);
            }
            return KeyMaterial.checked(chain, privateKey, file, file);
        } catch (GeneralSecurityException e) {
            throw new TlsMaterialException(file, "cannot read the key store's key (wrong password?): " + e.getMessage(), e);
        }
    }

    static List<X509Certificate> certificates(KeyStore store, Path file) {
        try {
            List<X509Certificate> certificates = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.getCertificate(alias) instanceof X509Certificate x509) {
                    certificates.add(x509);
                }
            }
            if (certificates.isEmpty()) {
                throw new TlsMaterialException(file, "the trust store holds no X.509 certificate");
            }
            return List.copyOf(certificates);
        } catch (GeneralSecurityException e) {
            throw new TlsMaterialException(file, "cannot read the trust store: " + e.getMessage(), e);
        }
    }

    private static String onlyKeyAlias(KeyStore store, Path file) throws GeneralSecurityException {
        List<String> keys = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                keys.add(alias);
            }
        }
        if (keys.size() != 1) {
            throw new TlsMaterialException(file, "the key store holds " + keys.size() + " key entries " + keys
                    + "; name the one to use with an alias");
        }
        return keys.getFirst();
    }
}
