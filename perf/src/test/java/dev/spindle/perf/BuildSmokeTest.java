package dev.spindle.perf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.mailbox.MpscChunkedMailbox;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The two things in perf that can break silently, checked in a second: no benchmark runs here.
 */
class BuildSmokeTest {

    @Test
    void shouldGenerateEveryBenchmarkGroup() throws IOException {
        // Without jmh-generator-annprocess in annotationProcessorPaths, javac on JDK 23+ skips it
        // without a word and the jar fails only when run.
        String list;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/BenchmarkList")) {
            assertThat(in).as("META-INF/BenchmarkList: did the JMH annotation processor run?").isNotNull();
            list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String benchmark : new String[] {"MailboxBenchmark", "RawRingBenchmark", "RawJctoolsBenchmark"}) {
            assertThat(list).contains(benchmark + "_p1c1_jmhTest", benchmark + "_p3c1_jmhTest");
        }
        assertThat(list).contains("TlsEngineFloorBenchmark_exchange_jmhTest", "TlsEngineFloorBenchmark_server_jmhTest",
                "TlsHandshakeBenchmark_handshake_jmhTest");
    }

    @Test
    void shouldKeepAnEmptyUnboundedMailboxWithin64Bytes() {
        assertThat(MailboxFootprint.ownBytes(() -> new MpscChunkedMailbox<>(MailboxFootprint.NoSink.INSTANCE)))
                .isLessThanOrEqualTo(64);
    }
}
