package dev.spindle.io.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Not thread-safe. Runs the {@code openssl} command in a directory, to make keys in the formats
 * real deployments hold (PKCS#1, SEC1, encrypted PKCS#8, PKCS#12 dumps with "Bag Attributes").
 * A machine without openssl gets it through {@code scripts/need}, or the test fails: it never
 * skips.
 */
final class OpenSsl {

    private final Path dir;

    OpenSsl(Path dir) {
        this.dir = dir;
        ensureInstalled();
    }

    /** Runs {@code openssl args...} in the directory; fails the test with its output if it fails. */
    void run(String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Command.run(command, dir);
    }

    private static void ensureInstalled() {
        Path need = Path.of("..", "scripts", "need").toAbsolutePath().normalize();
        if (!Files.isExecutable(need)) {
            throw new AssertionError("scripts/need not found at " + need + "; run the tests from the io module");
        }
        Command.run(List.of(need.toString(), "OpenSsl test helper", "openssl"), Path.of("."));
    }
}
