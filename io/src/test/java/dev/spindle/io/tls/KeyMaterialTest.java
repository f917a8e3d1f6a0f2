package dev.spindle.io.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyMaterialTest {

    @TempDir
    Path dir;

    private final TestPki.Issued root = TestPki.ca("Root");
    private final TestPki.Issued intermediate = TestPki.intermediate(root, "Intermediate");

    @Test
    void shouldAcceptEachKeyTypeWithItsCertificate() {
        for (KeyPair keys : List.of(TestPki.ec(), TestPki.rsa(), TestPki.rsaPss(), TestPki.ed25519(),
                TestPki.generate("Ed448", 0))) {
            TestPki.Issued leaf = TestPki.leaf(intermediate, "a.test", keys, "a.test");
            KeySource.PemFiles files = TestPki.files(dir, keys.getPrivate().getAlgorithm(), leaf.key(),
                    leaf.certificate(), intermediate.certificate(), root.certificate());

            KeyMaterial material = files.load();

            assertThat(material.leaf()).isEqualTo(leaf.certificate());
            assertThat(material.chain()).hasSize(3);
            assertThat(material.key().getAlgorithm()).isEqualTo(keys.getPrivate().getAlgorithm());
        }
    }

    @Test
    void shouldRefuseAKeyThatDoesNotBelongToTheLeaf() {
        TestPki.Issued leaf = TestPki.leaf(root, "a.test", TestPki.ec(), "a.test");
        KeySource.PemFiles otherEc = TestPki.files(dir, "other", TestPki.ec().getPrivate(), leaf.certificate());
        KeySource.PemFiles rsa = TestPki.files(dir, "rsa", TestPki.rsa().getPrivate(), leaf.certificate());

        assertThatThrownBy(otherEc::load).isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(otherEc.privateKey().toString())
                .hasMessageContaining("does not belong to the certificate (CN=a.test)");
        assertThatThrownBy(rsa::load).isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining("the private key is RSA but the certificate (CN=a.test) holds a EC public key");
    }

    @Test
    void shouldRefuseAChainOutOfOrder() {
        TestPki.Issued leaf = TestPki.leaf(intermediate, "a.test", TestPki.ec(), "a.test");
        KeySource.PemFiles rootFirst = TestPki.files(dir, "rootfirst", leaf.key(), root.certificate(),
                intermediate.certificate(), leaf.certificate());
        KeySource.PemFiles gap = TestPki.files(dir, "gap", leaf.key(), leaf.certificate(), root.certificate());

        assertThatThrownBy(rootFirst::load).isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(rootFirst.certificateChain().toString())
                .hasMessageContaining("out of order");
        assertThatThrownBy(gap::load).isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining("certificate 1 (CN=a.test) is issued by CN=Intermediate, but certificate 2 is CN=Root");
    }

    @Test
    void shouldRefuseAnExpiredCertificateButAcceptOneNotValidYet() {
        KeyPair keys = TestPki.ec();
        Instant now = Instant.now();
        X509Certificate expired = TestPki.certificate("a.test", keys.getPublic().getEncoded(), "Root", root.key(), false,
                List.of("a.test"), now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)));
        X509Certificate early = TestPki.certificate("a.test", keys.getPublic().getEncoded(), "Root", root.key(), false,
                List.of("a.test"), now.plus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(3)));
        KeySource.PemFiles expiredFiles = TestPki.files(dir, "expired", keys.getPrivate(), expired, root.certificate());

        assertThatThrownBy(expiredFiles::load).isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(expiredFiles.certificateChain().toString())
                .hasMessageContaining("certificate 1 (CN=a.test) expired at");
        KeyMaterial material = TestPki.files(dir, "early", keys.getPrivate(), early, root.certificate()).load();
        assertThat(material.expires()).as("the root expires first").isEqualTo(root.certificate().getNotAfter().toInstant());
    }

    @Test
    void shouldTakeAKeyStoreEntryByAliasOrTheOnlyOne() throws Exception {
        TestPki.Issued leaf = TestPki.leaf(root, "a.test", TestPki.ec(), "a.test");
        TestPki.Issued other = TestPki.leaf(root, "b.test", TestPki.rsa(), "b.test");
        char[] password = "secret".toCharArray();
        KeyStore one = KeyStore.getInstance("PKCS12");
        one.load(null, null);
        one.setKeyEntry("a", leaf.key(), password, new Certificate[] {leaf.certificate(), root.certificate()});
        KeyStore two = KeyStore.getInstance("PKCS12");
        two.load(null, null);
        two.setKeyEntry("a", leaf.key(), password, new Certificate[] {leaf.certificate()});
        two.setKeyEntry("b", other.key(), password, new Certificate[] {other.certificate()});
        Path file = dir.resolve("two.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            two.store(out, password);
        }

        assertThat(KeySource.keyStore(one, password, null).load().chain()).containsExactly(leaf.certificate(), root.certificate());
        assertThat(KeySource.keyStoreFile(file, password, "b").load().leaf()).isEqualTo(other.certificate());
        assertThatThrownBy(() -> KeySource.keyStore(two, password, null).load())
                .hasMessageContaining("holds 2 key entries").hasMessageContaining("alias");
        assertThatThrownBy(() -> KeySource.keyStore(two, password, "c").load()).hasMessageContaining("no key entry 'c'");
        assertThatThrownBy(() -> KeySource.keyStoreFile(file, "wrong".toCharArray(), "a").load())
                .isInstanceOf(TlsMaterialException.class).hasMessageContaining(file.toString());
    }

    @Test
    void shouldRefuseAKeyStoreEntryWhoseKeyIsNotTheCertificates() throws Exception {
        TestPki.Issued leaf = TestPki.leaf(root, "a.test", TestPki.ec(), "a.test");
        char[] password = "secret".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("a", TestPki.ec().getPrivate(), password, new Certificate[] {leaf.certificate()});

        assertThatThrownBy(() -> KeySource.keyStore(store, password, "a").load()).isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining("does not belong to the certificate");
    }
}
