package dev.spindle.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a user's named module needs for its records, checked as a user meets it: a module compiled
 * and run in a JVM of its own (this JDK's {@code javac} and {@code java}, the module path of this
 * test), once without and once with {@code opens ... to tools.jackson.databind}. Also: nothing on
 * standard error, so no warning at start on this JDK.
 */
class NamedModuleTest {

    private static final String MAIN = """
            package com.example.app;

            import com.example.api.Order;
            import dev.spindle.json.JsonBody;
            import dev.spindle.json.JsonCodec;
            import java.nio.charset.StandardCharsets;

            public class Main {
                /** Public, in a package the module does not export. */
                public record Open(String item) {}
                /** Package-private. */
                record Hidden(String item) {}

                public static void main(String[] args) {
                    JsonCodec json = JsonCodec.create();
                    byte[] body = "{\\"item\\":\\"tea\\",\\"quantity\\":2}".getBytes(StandardCharsets.UTF_8);
                    for (Class<?> type : new Class<?>[] {Order.class, Open.class, Hidden.class}) {
                        String read;
                        try {
                            read = json.read(body, type) instanceof JsonBody.Valid<?> valid ? "read " + valid.value() : "invalid";
                        } catch (RuntimeException e) {
                            read = "threw " + e.getClass().getSimpleName();
                        }
                        System.out.println(type.getSimpleName() + ": " + read);
                    }
                    try {
                        System.out.println("write: " + json.writeString(new Hidden("tea")));
                    } catch (RuntimeException e) {
                        System.out.println("write: threw " + e.getClass().getSimpleName());
                    }
                }
            }
            """;

    @Test
    void shouldReadPublicRecordsOfExportedPackagesAsTheyAreAndOthersOnceOpenedToJackson(@TempDir Path dir) throws Exception {
        List<String> closed = run(dir.resolve("closed"), "");
        List<String> opened = run(dir.resolve("opened"), "opens com.example.app to tools.jackson.databind;");

        assertThat(closed).containsExactly("Order: read Order[item=tea, quantity=2]", "Open: threw ValueInstantiationException",
                "Hidden: threw ValueInstantiationException", "write: threw DatabindException");
        assertThat(opened).containsExactly("Order: read Order[item=tea, quantity=2]", "Open: read Open[item=tea]",
                "Hidden: read Hidden[item=tea]", "write: {\"item\":\"tea\"}");
    }

    /** {@return what the module printed} after asserting that it printed nothing on standard error */
    private static List<String> run(Path dir, String opens) throws Exception {
        Path source = dir.resolve("src/com.example.app");
        write(source.resolve("module-info.java"),
                "module com.example.app { requires dev.spindle.json; exports com.example.api; " + opens + " }");
        write(source.resolve("com/example/api/Order.java"), "package com.example.api; public record Order(String item, int quantity) {}");
        write(source.resolve("com/example/app/Main.java"), MAIN);
        Path bin = Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent();
        String modulePath = System.getProperty("jdk.module.path");
        assertThat(modulePath).as("the test runs on the module path").isNotBlank();

        exec(dir, List.of(bin.resolve("javac").toString(), "-d", dir.resolve("out").toString(), "--module-path", modulePath,
                "--module-source-path", dir.resolve("src").toString(), "-m", "com.example.app"));
        return exec(dir, List.of(bin.resolve("java").toString(), "--module-path", dir.resolve("out") + java.io.File.pathSeparator
                + modulePath, "-m", "com.example.app/com.example.app.Main"));
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static List<String> exec(Path dir, List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        List<String> out = new ArrayList<>(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s ends", command.getFirst()).isTrue();
        String stderr = Files.readString(dir.resolve("stderr.txt"));
        assertThat(process.exitValue()).as("%s: %s", command, stderr).isZero();
        assertThat(stderr).as("standard error of %s", command.getFirst()).isEmpty();
        return out;
    }
}
