package dev.spindle.io.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Thread-safe (stateless). Runs a command line tool for a test, its output kept out of the test's own. */
final class Command {

    private Command() {
    }

    /** Runs a command in {@code dir}; fails the test with its output if it fails. */
    static void run(List<String> command, Path dir) {
        try {
            Path log = Files.createTempFile("spindle-command", ".log");
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

    /** What a command printed (its output and errors together) and how it exited. */
    record Result(int exit, String output) {
    }

    /** Runs a command in {@code dir} with {@code stdin} as its input; {@return its output and exit code} */
    static Result output(List<String> command, Path dir, String stdin) {
        try {
            Path log = Files.createTempFile("spindle-command", ".log");
            Path input = Files.createTempFile("spindle-command", ".in");
            try {
                Files.writeString(input, stdin, StandardCharsets.ISO_8859_1);
                Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).redirectInput(input.toFile()).start();
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(command + " did not finish within 120 s");
                }
                return new Result(process.exitValue(), Files.readString(log, StandardCharsets.ISO_8859_1));
            } finally {
                Files.deleteIfExists(log);
                Files.deleteIfExists(input);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    /** Makes sure {@code tools} are installed ({@code scripts/need}), or fails the test saying why: it never skips. */
    static void need(String... tools) {
        Path need = Path.of("..", "scripts", "need").toAbsolutePath().normalize();
        if (!Files.isExecutable(need)) {
            throw new AssertionError("scripts/need not found at " + need + "; run the tests from the io module");
        }
        List<String> command = new java.util.ArrayList<>(List.of(need.toString(), "io tests"));
        command.addAll(List.of(tools));
        run(command, Path.of("."));
    }
}
