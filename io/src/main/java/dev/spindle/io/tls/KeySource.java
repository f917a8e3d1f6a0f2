package dev.spindle.io.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;

/**
 * Immutable. Where a private key and its certificate chain come from; {@link #load()} reads and
 * checks them (see {@link KeyMaterial}) each time it is called, so reloading a source picks up
 * files renewed in place (certbot's way).
 */
public sealed interface KeySource {

    /**
     * {@return the key and chain, read now and checked}
     *
     * @throws TlsMaterialException naming the file and the fix when they cannot be used
     */
    KeyMaterial load();

    /** {@return a source that reads a PEM certificate chain and a PEM PKCS#8 key (may be one file)} */
    static KeySource pem(Path certificateChain, Path privateKey) {
        return new PemFiles(certificateChain, privateKey);
    }

    /**
     * {@return a source that takes an entry of a {@code KeyStore} file (PKCS12 or JKS, recognised
     * by content)}
     *
     * @param alias the entry; {@code null} when the store holds exactly one key entry
     */
    static KeySource keyStoreFile(Path file, char[] password, String alias) {
        return new KeyStoreFile(file, password, alias);
    }

    /**
     * {@return a source that takes an entry of a loaded {@code KeyStore}} The store is read on each
     * {@link #load()}, so it must not change while that runs.
     *
     * @param alias the entry; {@code null} when the store holds exactly one key entry
     */
    static KeySource keyStore(KeyStore store, char[] password, String alias) {
        return new KeyStoreEntry(store, password, alias);
    }

    /** A certificate chain and a key in PEM files (they may be the same file). */
    record PemFiles(Path certificateChain, Path privateKey) implements KeySource {

        public PemFiles {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
        }

        @Override
        public KeyMaterial load() {
            return KeyMaterial.fromPem(certificateChain, privateKey);
        }
    }

    /** An entry of a key store file; the password opens both the store and the entry. */
    record KeyStoreFile(Path file, char[] password, String alias) implements KeySource {

        public KeyStoreFile {
            Objects.requireNonNull(file, "file");
            password = password == null ? null : password.clone();
        }

        @Override
        public KeyMaterial load() {
            KeyStore store;
            try {
                store = KeyStore.getInstance(file.toFile(), password);
            } catch (IOException | GeneralSecurityException e) {
                throw new TlsMaterialException(file, "cannot open the key store (wrong password, or not a PKCS12"
                        + " or JKS file): " + e.getMessage(), e);
            }
            return KeyStores.entry(store, password, alias, file);
        }
    }

    /** An entry of a key store already loaded. */
    record KeyStoreEntry(KeyStore store, char[] password, String alias) implements KeySource {

        public KeyStoreEntry {
            Objects.requireNonNull(store, "store");
            password = password == null ? null : password.clone();
        }

        @Override
        public KeyMaterial load() {
            return KeyStores.entry(store, password, alias, null);
        }
    }
}
