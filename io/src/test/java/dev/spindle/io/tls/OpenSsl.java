package dev.spindle.io.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
        exec(command, dir);
    }

    private static void ensureInstalled() {
        Path need = Path.of("..", "scripts", "need").toAbsolutePath().normalize();
        if (!Files.isExecutable(need)) {
            throw new AssertionError("scripts/need not found at " + need + "; run the tests from the io module");
        }
        exec(List.of(need.toString(), "OpenSsl test helper", "openssl"), Path.of("."));
    }

    private static void exec(List<String> command, Path dir) {
        try {
            Path log = Files.createTempFile("spindle-openssl", ".log");
            try {
                Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .start();
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(command + " did not finish within 120 s");
                }
                if (process.exitValue() != 0) {
                    throw new AssertionError(command + " exited " + process.exitValue() + ":\n"
                            + Files.readString(log, StandardCharsets.ISO_8859_1));
                }
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }
}
