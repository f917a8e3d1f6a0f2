package dev.spindle.samples.tour;

import dev.spindle.samples.HttpHello;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HttpHello serves HTTPS with {@code -Dcert -Dkey}, given the development certificate that the
 * README's one {@code openssl} command makes, and curl trusts it with {@code --cacert}.
 */
class HttpsSampleTest {

    /** The README's command ("Using TLS"), word for word. */
    static final String OPENSSL = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem "
            + "-out cert.pem -days 30 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1";

    @TempDir
    Path dir;

    @Test
    void shouldServeHttpsWithTheReadmesDevelopmentCertificate() throws Exception {
        run(List.of(Path.of("..", "scripts", "need").toAbsolutePath().normalize().toString(), "HttpsSampleTest", "openssl", "curl"));
        run(List.of(OPENSSL.split(" ")));
        try (RunningProgram hello = RunningProgram.start(HttpHello.class, "-Dport=0",
                "-Dcert=" + dir.resolve("cert.pem"), "-Dkey=" + dir.resolve("key.pem"))) {
            String line = hello.awaitLine(l -> l.contains("listening on https://localhost:"), Duration.ofSeconds(30));
            Matcher port = Pattern.compile("https://localhost:(\\d+)/").matcher(line);
            assertThat(port.find()).isTrue();
            String body = run(List.of("curl", "-sS", "--cacert", dir.resolve("cert.pem").toString(),
                    "https://localhost:" + port.group(1) + "/hello"));
            assertThat(body).contains("Hello");
        }
    }

    private String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s: %s", command, text).isZero();
        return text;
    }
}
