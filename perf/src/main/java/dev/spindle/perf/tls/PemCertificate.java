package dev.spindle.perf.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Immutable; the files are only read. One self-signed EC P-256 certificate for {@code localhost} and
 * {@code 127.0.0.1} and its key, as PEM files in a new temporary directory, made by {@code openssl}
 * once per comparison run: every server of {@link HttpsComparison} is given these same two files,
 * and every client trusts this certificate alone.
 */
public record PemCertificate(Path directory, Path certificate, Path key) implements AutoCloseable {

    /** {@return a new key and certificate, valid for 30 days} */
    public static PemCertificate create() throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("spindle-https");
        Path certificate = directory.resolve("cert.pem");
        Path key = directory.resolve("key.pem");
        List<String> command = List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", certificate.toString(), "-days", "30",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("openssl failed: " + String.join(" ", command) + "\n" + output);
        }
        return new PemCertificate(directory, certificate, key);
    }

    /** {@return a client context that trusts {@code certificate} alone (and checks host names where asked)} */
    public static SSLContext trusting(Path certificate) throws IOException, GeneralSecurityException {
        Certificate parsed;
        try (InputStream in = Files.newInputStream(certificate)) {
            parsed = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", parsed);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        return context;
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
