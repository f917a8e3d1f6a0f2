package dev.spindle.io.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadEachKeyTypeByTheAlgorithmItsOwnIdentifierNames() {
        for (KeyPair keys : List.of(TestPki.ec(), TestPki.rsa(), TestPki.rsaPss(), TestPki.ed25519(),
                TestPki.generate("Ed448", 0))) {
            Path file = TestPki.write(dir, "key.pem", TestPki.pem(keys.getPrivate()));

            PrivateKey read = PemFiles.readPrivateKey(file);

            assertThat(read.getAlgorithm()).isEqualTo(keys.getPrivate().getAlgorithm());
            assertThat(read.getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
        }
    }

    @Test
    void shouldReadTheAlgorithmIdentifiersOfPkcs8Keys() {
        assertThat(PemFiles.pkcs8AlgorithmOid(TestPki.ec().getPrivate().getEncoded())).isEqualTo("1.2.840.10045.2.1");
        assertThat(PemFiles.pkcs8AlgorithmOid(TestPki.rsa().getPrivate().getEncoded())).isEqualTo("1.2.840.113549.1.1.1");
        assertThat(PemFiles.pkcs8AlgorithmOid(TestPki.rsaPss().getPrivate().getEncoded())).isEqualTo("1.2.840.113549.1.1.10");
        assertThat(PemFiles.pkcs8AlgorithmOid(TestPki.ed25519().getPrivate().getEncoded())).isEqualTo("1.3.101.112");
    }

    @Test
    void shouldRefuseDerThatLiesAboutItsLengths() {
        byte[] key = TestPki.ec().getPrivate().getEncoded();
        byte[] truncated = java.util.Arrays.copyOf(key, 20);
        byte[] huge = key.clone();
        huge[1] = (byte) 0x84; // four length octets: more than any PEM we read

        assertThatThrownBy(() -> PemFiles.pkcs8AlgorithmOid(truncated)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runs past the end");
        assertThatThrownBy(() -> PemFiles.pkcs8AlgorithmOid(huge)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported DER length");
        Path file = TestPki.write(dir, "key.pem", TestPki.pem("PRIVATE KEY", truncated));
        assertThatThrownBy(() -> PemFiles.readPrivateKey(file)).isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not a PKCS#8 key");
    }

    @Test
    void shouldReadAChainInFileOrderIgnoringTextAroundAndBetweenBlocks() {
        TestPki.Issued root = TestPki.ca("Root");
        TestPki.Issued intermediate = TestPki.intermediate(root, "Intermediate");
        TestPki.Issued leaf = TestPki.leaf(intermediate, "a.test", TestPki.ec(), "a.test");
        Path file = TestPki.write(dir, "chain.pem", "Bag Attributes\n    friendlyName: a.test\nsubject=CN = a.test\n"
                + TestPki.pem(leaf.certificate()) + "\nsome comment\r\n" + TestPki.pem(intermediate.certificate())
                + "Bag Attributes: <No Attributes>\n" + TestPki.pem(root.certificate()).replace("\n", "\r\n") + "trailer");

        List<X509Certificate> chain = PemFiles.readCertificates(file);

        assertThat(chain).containsExactly(leaf.certificate(), intermediate.certificate(), root.certificate());
    }

    @Test
    void shouldReadAKeyAndItsChainFromOneFile() {
        TestPki.Issued ca = TestPki.ca("CA");
        TestPki.Issued leaf = TestPki.leaf(ca, "a.test", TestPki.ec(), "a.test");
        Path both = TestPki.write(dir, "both.pem", TestPki.pem(leaf.certificate(), ca.certificate()) + TestPki.pem(leaf.key()));

        KeyMaterial material = KeyMaterial.fromPem(both, both);

        assertThat(material.chain()).containsExactly(leaf.certificate(), ca.certificate());
        assertThat(material.key().getEncoded()).isEqualTo(leaf.key().getEncoded());
    }

    @Test
    void shouldReadWhatOpenSslWrites() {
        OpenSsl openssl = new OpenSsl(dir);
        openssl.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec.pem");
        openssl.run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.pem");
        openssl.run("genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "pss.pem");
        openssl.run("genpkey", "-algorithm", "ED25519", "-out", "ed25519.pem");
        openssl.run("genpkey", "-algorithm", "ED448", "-out", "ed448.pem");

        assertThat(PemFiles.readPrivateKey(dir.resolve("ec.pem")).getAlgorithm()).isEqualTo("EC");
        assertThat(PemFiles.readPrivateKey(dir.resolve("rsa.pem")).getAlgorithm()).isEqualTo("RSA");
        assertThat(PemFiles.readPrivateKey(dir.resolve("pss.pem")).getAlgorithm()).isEqualTo("RSASSA-PSS");
        assertThat(PemFiles.readPrivateKey(dir.resolve("ed25519.pem")).getAlgorithm()).isEqualTo("EdDSA");
        assertThat(PemFiles.readPrivateKey(dir.resolve("ed448.pem")).getAlgorithm()).isEqualTo("EdDSA");

        for (String key : List.of("ec", "rsa", "ed25519")) {
            openssl.run("req", "-x509", "-new", "-key", key + ".pem", "-subj", "/CN=a.test", "-addext",
                    "subjectAltName=DNS:a.test", "-days", "1", "-out", key + "-cert.pem");
            KeyMaterial material = KeyMaterial.fromPem(dir.resolve(key + "-cert.pem"), dir.resolve(key + ".pem"));
            assertThat(material.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=a.test");
        }
    }

    @Test
    void shouldReadOpenSslsPkcs12DumpWithBagAttributesAsKeyAndChain() throws IOException {
        OpenSsl openssl = new OpenSsl(dir);
        openssl.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "key.pem");
        openssl.run("req", "-x509", "-new", "-key", "key.pem", "-subj", "/CN=a.test", "-days", "1", "-out", "cert.pem");
        openssl.run("pkcs12", "-export", "-in", "cert.pem", "-inkey", "key.pem", "-name", "a.test", "-out", "store.p12",
                "-passout", "pass:secret");
        openssl.run("pkcs12", "-in", "store.p12", "-nodes", "-passin", "pass:secret", "-out", "dump.pem");
        Path dump = dir.resolve("dump.pem");
        assertThat(Files.readString(dump)).startsWith("Bag Attributes");

        KeyMaterial fromDump = KeyMaterial.fromPem(dump, dump);
        KeyMaterial fromStore = KeySource.keyStoreFile(dir.resolve("store.p12"), "secret".toCharArray(), null).load();

        assertThat(fromDump.chain()).isEqualTo(PemFiles.readCertificates(dir.resolve("cert.pem")));
        assertThat(fromStore.chain()).isEqualTo(fromDump.chain());
        assertThat(fromStore.key().getEncoded()).isEqualTo(fromDump.key().getEncoded());
    }

    @Test
    void shouldRefusePkcs1Sec1AndEncryptedKeysNamingTheFileAndTheConversion() {
        OpenSsl openssl = new OpenSsl(dir);
        openssl.run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.pem");
        openssl.run("rsa", "-in", "rsa.pem", "-traditional", "-out", "pkcs1.pem");
        openssl.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec.pem");
        openssl.run("ec", "-in", "ec.pem", "-out", "sec1.pem");
        openssl.run("pkcs8", "-topk8", "-in", "ec.pem", "-out", "encrypted.pem", "-passout", "pass:secret");
        openssl.run("rsa", "-in", "rsa.pem", "-traditional", "-aes256", "-passout", "pass:secret", "-out", "legacy.pem");

        assertThatThrownBy(() -> PemFiles.readPrivateKey(dir.resolve("pkcs1.pem")))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(dir.resolve("pkcs1.pem").toString())
                .hasMessageContaining("PKCS#1")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
        assertThatThrownBy(() -> PemFiles.readPrivateKey(dir.resolve("sec1.pem")))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(dir.resolve("sec1.pem").toString())
                .hasMessageContaining("SEC1")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
        assertThatThrownBy(() -> PemFiles.readPrivateKey(dir.resolve("encrypted.pem")))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(dir.resolve("encrypted.pem").toString())
                .hasMessageContaining("encrypted")
                .hasMessageContaining("openssl pkcs8 -in key.pem -out key-pkcs8.pem");
        assertThatThrownBy(() -> PemFiles.readPrivateKey(dir.resolve("legacy.pem")))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining("PKCS#1");
    }

    @Test
    void shouldRefuseAFileWithoutAKeyOrWithoutACertificate() {
        TestPki.Issued ca = TestPki.ca("CA");
        Path certificateOnly = TestPki.write(dir, "cert.pem", TestPki.pem(ca.certificate()));
        Path keyOnly = TestPki.write(dir, "key.pem", TestPki.pem(ca.key()));
        Path empty = TestPki.write(dir, "empty.pem", "not a PEM file\n");

        assertThatThrownBy(() -> PemFiles.readPrivateKey(certificateOnly)).isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(certificateOnly.toString()).hasMessageContaining("no private key found");
        assertThatThrownBy(() -> PemFiles.readCertificates(keyOnly)).isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(keyOnly.toString()).hasMessageContaining("no certificate found");
        assertThatThrownBy(() -> PemFiles.readCertificates(empty)).isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining("no certificate found");
        assertThatThrownBy(() -> KeyMaterial.fromPem(certificateOnly, certificateOnly))
                .isInstanceOf(TlsMaterialException.class).hasMessageContaining("no private key found");
    }

    @Test
    void shouldRefuseTwoKeysKeysThatCannotSignAndUnknownAlgorithms() {
        Path two = TestPki.write(dir, "two.pem", TestPki.pem(TestPki.ec().getPrivate()) + TestPki.pem(TestPki.ec().getPrivate()));
        Path x25519 = TestPki.write(dir, "x25519.pem", TestPki.pem(TestPki.generate("X25519", 0).getPrivate()));
        byte[] unknown = TestPki.seq(TestPki.tlv(0x02, new byte[] {0}), TestPki.seq(TestPki.oid("1.2.3.4")),
                TestPki.tlv(0x04, new byte[] {1, 2, 3}));
        Path strange = TestPki.write(dir, "strange.pem", TestPki.pem("PRIVATE KEY", unknown));

        assertThatThrownBy(() -> PemFiles.readPrivateKey(two)).hasMessageContaining("more than one private key");
        assertThatThrownBy(() -> PemFiles.readPrivateKey(x25519)).hasMessageContaining("X25519");
        assertThatThrownBy(() -> PemFiles.readPrivateKey(strange)).hasMessageContaining("OID 1.2.3.4");
    }

    @Test
    void shouldRefuseDamagedBlocks() {
        Path mismatched = TestPki.write(dir, "mismatched.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n");
        Path notBase64 = TestPki.write(dir, "notbase64.pem", "-----BEGIN CERTIFICATE-----\nAA$A\n-----END CERTIFICATE-----\n");
        Path notCertificate = TestPki.write(dir, "notcert.pem", TestPki.pem("CERTIFICATE", new byte[] {0x30, 0x03, 1, 2, 3}));

        assertThatThrownBy(() -> PemFiles.readCertificates(mismatched)).hasMessageContaining("'BEGIN CERTIFICATE' has no matching 'END CERTIFICATE'");
        assertThatThrownBy(() -> PemFiles.readCertificates(notBase64)).hasMessageContaining("not valid Base64");
        assertThatThrownBy(() -> PemFiles.readCertificates(notCertificate))
                .hasMessageContaining("certificate 1 is not a valid X.509 certificate");
    }

    @Test
    void shouldRefuseABlockThatNeverEndsInOnePassOverTheFile() {
        Path begins = TestPki.write(dir, "begins.pem", "-----BEGIN CERTIFICATE-----\n".repeat(30_000));
        Path noise = TestPki.write(dir, "noise.pem", "-----BEGIN not a label-----\n-----BEGIN\n" + TestPki.pem(
                TestPki.ca("CA").certificate()));

        assertThatThrownBy(() -> PemFiles.readCertificates(begins)).hasMessageContaining("no matching 'END CERTIFICATE'");
        assertThat(PemFiles.readCertificates(noise)).hasSize(1);
    }

    @Test
    void shouldRefuseAFileLargerThanTheBoundWithoutReadingItWhole() throws IOException {
        Path big = dir.resolve("big.pem");
        Files.write(big, new byte[PemFiles.MAX_FILE_BYTES + 1]);
        Path missing = dir.resolve("missing.pem");

        assertThatThrownBy(() -> PemFiles.readCertificates(big)).isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(big.toString()).hasMessageContaining("larger than " + PemFiles.MAX_FILE_BYTES);
        assertThatThrownBy(() -> PemFiles.readPrivateKey(missing)).isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("cannot be read");
    }
}
