package dev.spindle.io.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * Not thread-safe in use (each test makes its own). Makes keys and X.509 v3 certificates in the
 * test, so nothing committed can expire: the JDK has no public certificate builder, so this writes
 * the DER of RFC 5280's TBSCertificate itself (version 3, serial, validity from an hour ago to a
 * day ahead, subject alternative DNS names, basic constraints on CAs) and signs it with the JDK.
 */
final class TestPki {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestPki() {
    }

    /** A certificate and the key pair whose public half it holds. */
    record Issued(X509Certificate certificate, KeyPair keys) {

        PrivateKey key() {
            return keys.getPrivate();
        }
    }

    static KeyPair ec() {
        return generate("EC", 0);
    }

    static KeyPair rsa() {
        return generate("RSA", 2048);
    }

    static KeyPair rsaPss() {
        return generate("RSASSA-PSS", 2048);
    }

    static KeyPair ed25519() {
        return generate("Ed25519", 0);
    }

    static KeyPair generate(String algorithm, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else if (bits > 0) {
                generator.initialize(bits);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@return a self-signed EC CA} */
    static Issued ca(String commonName) {
        KeyPair keys = ec();
        return new Issued(certificate(commonName, keys.getPublic().getEncoded(), commonName, keys.getPrivate(), true,
                List.of(), Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1))), keys);
    }

    /** {@return a certificate for {@code keys}, issued by {@code issuer}, naming {@code dnsNames}} */
    static Issued leaf(Issued issuer, String commonName, KeyPair keys, String... dnsNames) {
        return new Issued(certificate(commonName, keys.getPublic().getEncoded(),
                issuer.certificate().getSubjectX500Principal().getName(X500Principal.RFC2253).substring(3), issuer.key(),
                false, List.of(dnsNames), Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(1))), keys);
    }

    /** {@return an intermediate CA issued by {@code issuer}} */
    static Issued intermediate(Issued issuer, String commonName) {
        KeyPair keys = ec();
        return new Issued(certificate(commonName, keys.getPublic().getEncoded(),
                issuer.certificate().getSubjectX500Principal().getName(X500Principal.RFC2253).substring(3), issuer.key(),
                true, List.of(), Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1))), keys);
    }

    static X509Certificate certificate(String subject, byte[] subjectPublicKeyInfo, String issuer, PrivateKey issuerKey,
            boolean ca, List<String> dnsNames, Instant notBefore, Instant notAfter) {
        try {
            byte[] algorithm = signatureAlgorithm(issuerKey.getAlgorithm());
            ByteArrayOutputStream extensions = new ByteArrayOutputStream();
            if (ca) {
                extensions.writeBytes(seq(oid("2.5.29.19"), tlv(0x01, new byte[] {(byte) 0xFF}),
                        tlv(0x04, seq(tlv(0x01, new byte[] {(byte) 0xFF})))));
            }
            if (!dnsNames.isEmpty()) {
                ByteArrayOutputStream names = new ByteArrayOutputStream();
                for (String name : dnsNames) {
                    names.writeBytes(tlv(0x82, name.getBytes(StandardCharsets.US_ASCII)));
                }
                extensions.writeBytes(seq(oid("2.5.29.17"), tlv(0x04, tlv(0x30, names.toByteArray()))));
            }
            byte[] tbs = seq(
                    tlv(0xA0, tlv(0x02, new byte[] {2})),
                    tlv(0x02, new BigInteger(63, RANDOM).add(BigInteger.ONE).toByteArray()),
                    algorithm,
                    new X500Principal("CN=" + issuer).getEncoded(),
                    seq(time(notBefore), time(notAfter)),
                    new X500Principal("CN=" + subject).getEncoded(),
                    subjectPublicKeyInfo,
                    extensions.size() == 0 ? new byte[0] : tlv(0xA3, tlv(0x30, extensions.toByteArray())));
            Signature signer = Signature.getInstance(signatureName(issuerKey.getAlgorithm()));
            signer.initSign(issuerKey);
            signer.update(tbs);
            byte[] signature = signer.sign();
            byte[] bits = new byte[signature.length + 1];
            System.arraycopy(signature, 0, bits, 1, signature.length);
            byte[] der = seq(tbs, algorithm, tlv(0x03, bits));
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- PEM files

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    static String pem(X509Certificate... chain) {
        StringBuilder text = new StringBuilder();
        for (X509Certificate certificate : chain) {
            try {
                text.append(pem("CERTIFICATE", certificate.getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return text.toString();
    }

    static String pem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    static Path write(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code chain} and {@code key} as PEM files; returns a source reading them. */
    static KeySource.PemFiles files(Path dir, String name, PrivateKey key, X509Certificate... chain) {
        return new KeySource.PemFiles(write(dir, name + "-chain.pem", pem(chain)), write(dir, name + "-key.pem", pem(key)));
    }

    // ---- DER

    private static byte[] signatureAlgorithm(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "EC" -> seq(oid("1.2.840.10045.4.3.2"));
            case "RSA" -> seq(oid("1.2.840.113549.1.1.11"), new byte[] {0x05, 0x00});
            case "EdDSA", "Ed25519" -> seq(oid("1.3.101.112"));
            default -> throw new IllegalArgumentException("no issuer signature for " + keyAlgorithm);
        };
    }

    private static String signatureName(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> "Ed25519";
        };
    }

    private static byte[] time(Instant instant) {
        String text = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC).format(instant);
        return tlv(0x17, text.getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            base128(out, Long.parseLong(arcs[i]));
        }
        return tlv(0x06, out.toByteArray());
    }

    private static void base128(ByteArrayOutputStream out, long value) {
        int groups = 1;
        for (long v = value >>> 7; v != 0; v >>>= 7) {
            groups++;
        }
        for (int g = groups - 1; g >= 0; g--) {
            int b = (int) ((value >>> (7 * g)) & 0x7F);
            out.write(g == 0 ? b : b | 0x80);
        }
    }

    static byte[] seq(byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            body.writeBytes(part);
        }
        return tlv(0x30, body.toByteArray());
    }

    static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = value.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >>> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >>> 16);
            out.write(length >>> 8);
            out.write(length);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }
}
