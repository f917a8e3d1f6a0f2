package dev.spindle.io.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Immutable. A private key and its certificate chain (the leaf, whose public key pairs with the
 * key, first; then each certificate's issuer), checked when loaded from a {@link KeySource}: the
 * key must sign what the leaf's public key verifies, each certificate must be issued by the next,
 * and none may have expired. A mismatched pair would otherwise fail only in handshakes, with an
 * alert that does not say why.
 *
 * @param chain the leaf first, then its issuers in order (the root may be left out)
 * @param key   the leaf's private key
 */
public record KeyMaterial(List<X509Certificate> chain, PrivateKey key) {

    public KeyMaterial {
        chain = List.copyOf(chain);
        Objects.requireNonNull(key, "key");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least the server's certificate");
        }
    }

    /**
     * {@return the key and chain of two PEM files, checked} The two may be the same file.
     *
     * @throws TlsMaterialException naming the file and the fix when either cannot be used
     */
    public static KeyMaterial fromPem(Path certificateChain, Path privateKey) {
        List<X509Certificate> chain = PemFiles.readCertificates(certificateChain);
        PrivateKey key = PemFiles.readPrivateKey(privateKey);
        return checked(chain, key, certificateChain, privateKey);
    }

    /**
     * {@return this pair, if the key belongs to the leaf and the chain is in order}
     *
     * @param chainFile named in errors about the chain ({@code null} for material from memory)
     * @param keyFile   named in errors about the key
     * @throws TlsMaterialException when they do not
     */
    static KeyMaterial checked(List<X509Certificate> chain, PrivateKey key, Path chainFile, Path keyFile) {
        KeyMaterial material = new KeyMaterial(chain, key);
        material.checkOrder(chainFile);
        material.checkNotExpired(chainFile);
        material.checkKeyMatchesLeaf(keyFile);
        return material;
    }

    /** {@return the leaf certificate: the one the key belongs to} */
    public X509Certificate leaf() {
        return chain.getFirst();
    }

    /** {@return the soonest {@code notAfter} of the chain: when this material stops being valid} */
    public Instant expires() {
        Instant soonest = Instant.MAX;
        for (X509Certificate certificate : chain) {
            Instant notAfter = certificate.getNotAfter().toInstant();
            if (notAfter.isBefore(soonest)) {
                soonest = notAfter;
            }
        }
        return soonest;
    }

    /**
     * Refuses expired material, so a reload never swaps a working certificate for one every client
     * refuses. A certificate not valid yet is accepted: a server's clock a little behind the CA's
     * should not stop a renewal.
     */
    private void checkNotExpired(Path chainFile) {
        Instant now = Instant.now();
        for (int i = 0; i < chain.size(); i++) {
            Instant notAfter = chain.get(i).getNotAfter().toInstant();
            if (notAfter.isBefore(now)) {
                throw new TlsMaterialException(chainFile, "certificate " + (i + 1) + " ("
                        + chain.get(i).getSubjectX500Principal() + ") expired at " + notAfter + "; renew it");
            }
        }
    }

    private void checkOrder(Path chainFile) {
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate child = chain.get(i);
            X509Certificate parent = chain.get(i + 1);
            if (!child.getIssuerX500Principal().equals(parent.getSubjectX500Principal())) {
                throw new TlsMaterialException(chainFile, "the certificate chain is out of order: certificate "
                        + (i + 1) + " (" + child.getSubjectX500Principal() + ") is issued by "
                        + child.getIssuerX500Principal() + ", but certificate " + (i + 2) + " is "
                        + parent.getSubjectX500Principal() + ". Put the server's certificate first, then each"
                        + " issuer after the certificate it signed");
            }
        }
    }

    private void checkKeyMatchesLeaf(Path keyFile) {
        PublicKey certificateKey = leaf().getPublicKey();
        if (!sameFamily(key.getAlgorithm(), certificateKey.getAlgorithm())) {
            throw new TlsMaterialException(keyFile, "the private key is " + key.getAlgorithm()
                    + " but the certificate (" + leaf().getSubjectX500Principal() + ") holds a "
                    + certificateKey.getAlgorithm() + " public key: the key does not belong to this certificate");
        }
        byte[] probe = new byte[32];
        new SecureRandom().nextBytes(probe);
        boolean verified;
        try {
            Signature signer = signature(key.getAlgorithm());
            signer.initSign(key);
            signer.update(probe);
            byte[] signed = signer.sign();
            Signature verifier = signature(key.getAlgorithm());
            verifier.initVerify(certificateKey);
            verifier.update(probe);
            verified = verifier.verify(signed);
        } catch (GeneralSecurityException e) {
            throw new TlsMaterialException(keyFile, "cannot check that the " + key.getAlgorithm()
                    + " key belongs to the certificate: " + e.getMessage(), e);
        }
        if (!verified) {
            throw new TlsMaterialException(keyFile, "the private key does not belong to the certificate ("
                    + leaf().getSubjectX500Principal() + "): a signature made with it does not verify with the"
                    + " certificate's public key. Pair each certificate with its own key");
        }
    }

    private static boolean sameFamily(String keyAlgorithm, String certificateAlgorithm) {
        return keyAlgorithm.equals(certificateAlgorithm)
                || (isEdDsa(keyAlgorithm) && isEdDsa(certificateAlgorithm));
    }

    private static boolean isEdDsa(String algorithm) {
        return algorithm.equals("EdDSA") || algorithm.equals("Ed25519") || algorithm.equals("Ed448");
    }

    private static Signature signature(String keyAlgorithm) throws GeneralSecurityException {
        return switch (keyAlgorithm) {
            case "EC" -> Signature.getInstance("SHA256withECDSA");
            case "RSA" -> Signature.getInstance("SHA256withRSA");
            case "RSASSA-PSS" -> {
                Signature pss = Signature.getInstance("RSASSA-PSS");
                pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                yield pss;
            }
            case "EdDSA", "Ed25519", "Ed448" -> Signature.getInstance("EdDSA");
            default -> Signature.getInstance(keyAlgorithm);
        };
    }
}
