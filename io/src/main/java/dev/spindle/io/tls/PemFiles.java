package dev.spindle.io.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Thread-safe (stateless). Reads PEM files, as OpenSSL, certbot and most CAs write them: X.509
 * certificates ({@code CERTIFICATE} blocks) and unencrypted PKCS#8 private keys
 * ({@code PRIVATE KEY}), without JDK 25's preview PEM API.
 *
 * <p>Every block in the file is scanned, so text around or between blocks (OpenSSL's "Bag
 * Attributes", comments, a key and its chain in one file) is ignored. A key's algorithm is read
 * from its own PKCS#8 AlgorithmIdentifier (EC, RSA, RSASSA-PSS, Ed25519, Ed448), never guessed by
 * trying key factories. PKCS#1 ({@code RSA PRIVATE KEY}), SEC1 ({@code EC PRIVATE KEY}) and
 * encrypted keys are refused with the {@code openssl} command that converts them. A file larger
 * than {@link #MAX_FILE_BYTES} is refused before it is read whole: a PEM of megabytes is not a
 * certificate chain.
 */
public final class PemFiles {

    /** The largest PEM file read: 1 MiB (Mozilla's whole CA bundle is about 220 KB). */
    public static final int MAX_FILE_BYTES = 1 << 20;

    private static final String BEGIN = "-----BEGIN ";
    private static final String DASHES = "-----";

    private static final String TO_PKCS8 = "openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem";

    private PemFiles() {
    }

    /**
     * {@return the certificates of a PEM file, in file order} For a chain that is the leaf first,
     * then each issuer; {@link KeyMaterial} checks that order.
     *
     * @throws TlsMaterialException if the file cannot be read, holds no certificate, or a block
     *                              is not a certificate
     */
    public static List<X509Certificate> readCertificates(Path file) {
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory factory = x509();
        int index = 0;
        for (Block block : blocks(file)) {
            if (!block.label().equals("CERTIFICATE")) {
                continue;
            }
            index++;
            try {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der(file))));
            } catch (CertificateException e) {
                throw new TlsMaterialException(file, "certificate " + index + " is not a valid X.509 certificate: "
                        + e.getMessage(), e);
            }
        }
        if (certificates.isEmpty()) {
            throw new TlsMaterialException(file, "no certificate found: expected one or more"
                    + " '-----BEGIN CERTIFICATE-----' blocks, the server's certificate first");
        }
        return List.copyOf(certificates);
    }

    /**
     * {@return the one unencrypted PKCS#8 private key of a PEM file}
     *
     * @throws TlsMaterialException if the file holds no key, more than one, a key in another
     *                              format (the message gives the conversion), or one this JDK
     *                              cannot read
     */
    public static PrivateKey readPrivateKey(Path file) {
        Block found = null;
        for (Block block : blocks(file)) {
            switch (block.label()) {
                case "PRIVATE KEY" -> {
                    if (found != null) {
                        throw new TlsMaterialException(file, "holds more than one private key; keep the one"
                                + " that belongs to the certificate");
                    }
                    found = block;
                }
                case "RSA PRIVATE KEY" -> throw new TlsMaterialException(file, "holds a PKCS#1 RSA key"
                        + " ('BEGIN RSA PRIVATE KEY'); Spindle reads PKCS#8 keys ('BEGIN PRIVATE KEY'). Convert it: "
                        + TO_PKCS8);
                case "EC PRIVATE KEY" -> throw new TlsMaterialException(file, "holds a SEC1 EC key"
                        + " ('BEGIN EC PRIVATE KEY'); Spindle reads PKCS#8 keys ('BEGIN PRIVATE KEY'). Convert it: "
                        + TO_PKCS8);
                case "ENCRYPTED PRIVATE KEY" -> throw new TlsMaterialException(file, "holds an encrypted key"
                        + " ('BEGIN ENCRYPTED PRIVATE KEY'); Spindle reads unencrypted PKCS#8 keys, so protect the"
                        + " file with its permissions instead. Decrypt it: openssl pkcs8 -in key.pem -out key-pkcs8.pem");
                case "DSA PRIVATE KEY", "OPENSSH PRIVATE KEY" -> throw new TlsMaterialException(file, "holds a '"
                        + block.label() + "' block, which Spindle does not read; use an EC or RSA key in PKCS#8"
                        + " ('BEGIN PRIVATE KEY')");
                default -> {
                    // certificates and parameters may share the file with the key
                }
            }
        }
        if (found == null) {
            throw new TlsMaterialException(file, "no private key found: expected a '-----BEGIN PRIVATE KEY-----'"
                    + " block (PKCS#8)");
        }
        byte[] der = found.der(file);
        try {
            return privateKey(file, der);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /**
     * {@return the key algorithm named by a PKCS#8 PrivateKeyInfo's AlgorithmIdentifier}
     *
     * @throws IllegalArgumentException if the DER is not a PrivateKeyInfo
     */
    static String pkcs8AlgorithmOid(byte[] der) {
        Der info = new Der(der).enter(Der.SEQUENCE);
        info.skip(Der.INTEGER);
        return info.enter(Der.SEQUENCE).oid();
    }

    private static PrivateKey privateKey(Path file, byte[] der) {
        String oid;
        try {
            oid = pkcs8AlgorithmOid(der);
        } catch (IllegalArgumentException e) {
            throw new TlsMaterialException(file, "the 'PRIVATE KEY' block is not a PKCS#8 key: " + e.getMessage(), e);
        }
        String algorithm = switch (oid) {
            case "1.2.840.10045.2.1" -> "EC";
            case "1.2.840.113549.1.1.1" -> "RSA";
            case "1.2.840.113549.1.1.10" -> "RSASSA-PSS";
            case "1.3.101.112" -> "Ed25519";
            case "1.3.101.113" -> "Ed448";
            case "1.3.101.110", "1.3.101.111" -> throw new TlsMaterialException(file, "holds an X25519/X448 key,"
                    + " which can agree on keys but not sign; a certificate key must be EC, RSA or Ed25519");
            case "1.2.840.10040.4.1" -> throw new TlsMaterialException(file, "holds a DSA key, which TLS 1.3 does"
                    + " not allow; use an EC or RSA key");
            default -> throw new TlsMaterialException(file, "holds a key of unknown algorithm (OID " + oid
                    + "); use an EC, RSA or Ed25519 key");
        };
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (NoSuchAlgorithmException e) {
            throw new TlsMaterialException(file, "holds an " + algorithm + " key, which this JDK cannot read", e);
        } catch (GeneralSecurityException e) {
            throw new TlsMaterialException(file, "the " + algorithm + " key is damaged: " + e.getMessage(), e);
        }
    }

    /**
     * {@return the file's blocks, in order} A linear scan with {@code indexOf}: a block's end is
     * looked for once, so a damaged file of many BEGIN lines costs one pass, not one per line.
     */
    private static List<Block> blocks(Path file) {
        String text = new String(read(file), StandardCharsets.ISO_8859_1);
        List<Block> blocks = new ArrayList<>();
        int at = 0;
        while ((at = text.indexOf(BEGIN, at)) >= 0) {
            int labelStart = at + BEGIN.length();
            int labelEnd = text.indexOf(DASHES, labelStart);
            String label = labelEnd < 0 ? "" : text.substring(labelStart, labelEnd);
            if (!isLabel(label)) {
                at = labelStart; // not a PEM boundary ("-----BEGIN" inside other text)
                continue;
            }
            String end = "-----END " + label + DASHES;
            int bodyStart = labelEnd + DASHES.length();
            int bodyEnd = text.indexOf(end, bodyStart);
            if (bodyEnd < 0) {
                throw new TlsMaterialException(file, "'BEGIN " + label + "' has no matching '" + end.substring(5,
                        end.length() - 5) + "'; the file is damaged or cut short");
            }
            blocks.add(new Block(label, text.substring(bodyStart, bodyEnd)));
            at = bodyEnd + end.length();
        }
        return blocks;
    }

    private static boolean isLabel(String label) {
        if (label.isEmpty() || label.length() > 64) {
            return false;
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ')) {
                return false;
            }
        }
        return true;
    }

    private static byte[] read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            // Reads what the file holds, growing as it goes, never more than the bound plus one byte.
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new TlsMaterialException(file, "is larger than " + MAX_FILE_BYTES
                        + " bytes, too large for PEM keys or certificates; is it the right file?");
            }
            return bytes;
        } catch (IOException e) {
            throw new TlsMaterialException(file, "cannot be read: " + e, e);
        }
    }

    private static CertificateFactory x509() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("every JDK has an X.509 certificate factory", e);
        }
    }

    private record Block(String label, String body) {

        byte[] der(Path file) {
            if (body.indexOf(':') >= 0) {
                throw new TlsMaterialException(file, "the '" + label + "' block has headers (such as Proc-Type or"
                        + " DEK-Info, an encrypted legacy key); " + "convert the key: " + TO_PKCS8);
            }
            try {
                return java.util.Base64.getMimeDecoder().decode(strictBase64(body));
            } catch (IllegalArgumentException e) {
                throw new TlsMaterialException(file, "the '" + label + "' block is not valid Base64: " + e.getMessage(), e);
            }
        }

        private static String strictBase64(String body) {
            for (int i = 0; i < body.length(); i++) {
                char c = body.charAt(i);
                boolean base64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                        || c == '+' || c == '/' || c == '=';
                if (!base64 && !Character.isWhitespace(c)) {
                    throw new IllegalArgumentException("unexpected character '" + c + "'");
                }
            }
            return body;
        }
    }
}
