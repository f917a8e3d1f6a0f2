package dev.spindle.perf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness starts, runs one tiny workload per runtime (Spindle, Pekko, Node, the Disruptor, Vert.x) and writes
 * its report: the only part of the comparison suite in the default test run.
 */
@Timeout(300)
class ReportSmokeTest {

    @Test
    void shouldRunATinyWorkloadPerRuntimeAndWriteTheReport(@TempDir Path out) throws Exception {
        Report.run(Report.Mode.SMOKE, out);

        String json = Files.readString(out.resolve("results.json"));
        for (String runtime : new String[] {"spindle", "pekko", "node", "vertx", "disruptor"}) {
            assertThat(json).contains("\"runtime\": \"" + runtime + "\"");
        }
        assertThat(json).contains("\"mode\": \"smoke\"", "\"workload\": \"pingpong1\"", "\"workload\": \"plaintext\"");
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md).contains("## Machine", "## actors", "## mailbox", "## http", "![actors](actors.png)",
                "![mailbox](mailbox.png)", "![http-latency](http-latency.png)", "| plaintext | vertx |", "| ring p1c1 | disruptor |");
        // The peers' versions come from the pom, not from a string in the code that can go stale.
        assertThat(md).containsPattern("Pekko \\d+\\.\\d+\\.\\d+, Vert\\.x \\d+\\.\\d+\\.\\d+, Disruptor \\d");
        // The report can be drawn again from results.json alone, the same.
        Files.delete(out.resolve("report.md"));
        Report.render(out);
        assertThat(Files.readString(out.resolve("report.md"))).isEqualTo(md);
        for (String chart : new String[] {"actors.png", "mailbox.png", "http.png", "http-latency.png"}) {
            assertThat(Files.size(out.resolve(chart))).as(chart).isGreaterThan(1000);
            byte[] head = Files.readAllBytes(out.resolve(chart));
            assertThat(new String(head, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
        }
    }
}
