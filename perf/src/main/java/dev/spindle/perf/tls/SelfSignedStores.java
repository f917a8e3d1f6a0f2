package dev.spindle.perf.tls;

import dev.spindle.io.tls.KeySource;
import dev.spindle.io.tls.TrustSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Not thread-safe; used by one benchmark setup at a time. A self-signed certificate for
 * {@code localhost} and its key, made with the JDK's own {@code keytool} into a PKCS12 store in a
 * temporary directory (the research note's recipe), with the certificate exported as PEM for the
 * client's trust. Nothing is committed, so nothing expires.
 */
public final class SelfSignedStores implements AutoCloseable {

    public static final String HOST = "localhost";
    private static final String PASSWORD = "changeit";

    /** The key types measured: the one Spindle recommends and the one most deployments still hold. */
    public enum KeyType {
        EC_P256("-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA"),
        RSA_2048("-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA");

        private final List<String> keytoolArguments;

        KeyType(String... keytoolArguments) {
            this.keytoolArguments = List.of(keytoolArguments);
        }
    }

    private final Path directory;
    private final Path store;
    private final Path certificate;

    private SelfSignedStores(Path directory, Path store, Path certificate) {
        this.directory = directory;
        this.store = store;
        this.certificate = certificate;
    }

    /** {@return a new key and certificate of this type, made by keytool in a new temporary directory} */
    public static SelfSignedStores create(KeyType type) throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("spindle-tls-bench");
        Path store = directory.resolve("server.p12");
        Path certificate = directory.resolve("server.pem");
        List<String> generate = new ArrayList<>(List.of(keytool(), "-genkeypair", "-alias", "server"));
        generate.addAll(type.keytoolArguments);
        generate.addAll(List.of("-dname", "CN=" + HOST, "-ext", "SAN=dns:" + HOST, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD));
        run(generate);
        run(List.of(keytool(), "-exportcert", "-rfc", "-alias", "server", "-keystore", store.toString(),
                "-storepass", PASSWORD, "-file", certificate.toString()));
        return new SelfSignedStores(directory, store, certificate);
    }

    /** {@return the server's key and certificate, through Spindle's own key source} */
    public KeySource key() {
        return KeySource.keyStoreFile(store, PASSWORD.toCharArray(), "server");
    }

    /** {@return trust in exactly that certificate, through Spindle's own trust source} */
    public TrustSource trust() {
        return TrustSource.pem(certificate);
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static String keytool() {
        return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("keytool failed: " + String.join(" ", command) + "\n" + output);
        }
    }
}
