package dev.spindle.outside;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Single-threaded. Builds and runs {@code src/it/hello}, a project outside Spindle's build that
 * imports the BOM and depends on {@code spindle-io}, with Maven on the JDK this test runs on, as a
 * user who installed Spindle would: its program asks a hello actor and calls an HTTP route.
 *
 * <p>Its local repository holds only what {@code invoker:install} put there (this build's
 * artifacts and their dependencies); Maven's plugins come from the main build's local repository,
 * declared as a remote one, then from Central.
 */
class OutsideProjectTest {

    private static final long BUILD_MINUTES = 5;

    @Test
    void shouldBuildAndRunAProjectThatImportsTheBom(@TempDir Path work) throws Exception {
        Path project = work.resolve("hello");
        copyTree(Path.of(System.getProperty("outside.project")), project);
        Path settings = work.resolve("settings.xml");
        Files.writeString(settings, settings(Path.of(System.getProperty("main.repository"))));
        Path log = work.resolve("build.log");

        ProcessBuilder build = new ProcessBuilder(Path.of(System.getProperty("maven.home"), "bin", "mvn").toString(),
                "-B", "-ntp", "-s", settings.toString(),
                "-Dmaven.repo.local=" + System.getProperty("outside.repository"), "verify")
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        build.environment().put("JAVA_HOME", System.getProperty("java.home"));
        build.environment().remove("MAVEN_OPTS");
        Process maven = build.start();
        try {
            boolean ended = maven.waitFor(BUILD_MINUTES, TimeUnit.MINUTES);
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(ended).as("the outside build ended within %d minutes; it printed:%n%s", BUILD_MINUTES, output)
                    .isTrue();
            assertThat(maven.exitValue()).as("the outside build's exit status; it printed:%n%s", output).isZero();
            assertThat(output).contains("hello actor: Hello, actor", "http route: 200 Hello, route", "BUILD SUCCESS");
        } finally {
            maven.descendants().forEach(ProcessHandle::destroyForcibly);
            maven.destroyForcibly();
        }
    }

    /** A settings file that reads plugins and libraries from the main build's repository first. */
    private static String settings(Path mainRepository) {
        String url = mainRepository.toUri().toString();
        return """
                <settings>
                  <profiles>
                    <profile>
                      <id>main-build-repository</id>
                      <repositories>
                        <repository><id>main-build</id><url>%1$s</url></repository>
                      </repositories>
                      <pluginRepositories>
                        <pluginRepository><id>main-build</id><url>%1$s</url></pluginRepository>
                      </pluginRepositories>
                    </profile>
                  </profiles>
                  <activeProfiles><activeProfile>main-build-repository</activeProfile></activeProfiles>
                </settings>
                """.formatted(url);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(from)) {
            paths = walk.toList();
        }
        for (Path path : paths) {
            Path target = to.resolve(from.relativize(path).toString());
            if (Files.isDirectory(path)) {
                Files.createDirectories(target);
            } else {
                Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
