package dev.spindle.samples.tour;

import dev.spindle.samples.HttpHello;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two TLS scanners against the HTTPS sample as its user runs it (HttpHello with {@code -Dcert
 * -Dkey}, the README's development certificate, a JVM of its own): Debian's {@code testssl.sh}
 * (fast mode) finds no vulnerability and no protocol below TLS 1.2, and {@code sslscan} agrees
 * and finds no weak cipher. Both are installed through {@code scripts/need} if missing; every
 * process the test starts is killed when it ends, whatever happened.
 */
class TlsScannersTest {

    /** What testssl.sh rates as a problem; OK, INFO and LOW are not. */
    private static final Set<String> PROBLEMS = Set.of("MEDIUM", "HIGH", "CRITICAL");

    /** testssl.sh's vulnerability checks (its {@code -U}, which a default run includes): each must be run and pass. */
    private static final List<String> VULNERABILITIES = List.of("heartbleed", "CCS", "ticketbleed", "ROBOT",
            "secure_renego", "secure_client_renego", "CRIME_TLS", "BREACH", "POODLE_SSL", "fallback_SCSV", "SWEET32",
            "FREAK", "DROWN", "LOGJAM", "LOGJAM-common_primes", "BEAST", "LUCKY13");

    /**
     * Findings rated MEDIUM or worse that are the development certificate's or the sample's, not
     * the TLS server's: the README's certificate lives 30 days (testssl.sh rates under 30 left as
     * HIGH) and, self-signed, names no CRL or OCSP responder; HttpHello's answers carry no security
     * headers (HSTS and the like), which testssl.sh rates MEDIUM as a whole. Each is printed.
     */
    private static final Set<String> NOT_THE_SERVERS = Set.of("cert_expirationStatus", "cert_notAfter", "cert_revocation",
            "security_headers");

    @TempDir
    Path dir;

    private RunningProgram hello;
    private int port;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void startTheHttpsSample() throws Exception {
        run(List.of(Path.of("..", "scripts", "need").toAbsolutePath().normalize().toString(), "TlsScannersTest",
                "openssl", "testssl", "sslscan"), Duration.ofMinutes(5));
        run(List.of(HttpsSampleTest.OPENSSL.split(" ")), Duration.ofSeconds(60));
        hello = RunningProgram.start(HttpHello.class, "-Dport=0", "-Dcert=" + dir.resolve("cert.pem"),
                "-Dkey=" + dir.resolve("key.pem"));
        String line = hello.awaitLine(l -> l.contains("listening on https://localhost:"), Duration.ofSeconds(30));
        Matcher matcher = Pattern.compile("https://localhost:(\\d+)/").matcher(line);
        assertThat(matcher.find()).isTrue();
        port = Integer.parseInt(matcher.group(1));
    }

    @AfterEach
    void stopEverything() {
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        if (hello != null) {
            hello.close();
        }
    }

    @Test
    @Timeout(300)
    void testsslShouldFindNoVulnerabilityAndNoProtocolBelowTls12() throws Exception {
        Path csv = dir.resolve("testssl.csv");
        long start = System.nanoTime();
        // --add-ca: the development certificate is its own CA, so the chain of trust is checked, not failed.
        String output = run(List.of("testssl", "--quiet", "--color", "0", "--warnings", "off", "--fast", "--nodns", "none",
                "--add-ca", dir.resolve("cert.pem").toString(), "--csvfile", csv.toString(), "127.0.0.1:" + port),
                Duration.ofMinutes(4), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10); // its exit code counts findings
        System.out.println("TlsScannersTest: testssl.sh --fast took "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
        Map<String, Finding> findings = findings(csv);
        assertThat(findings).as("testssl.sh's findings; its output:%n%s", output).containsKeys("TLS1_2", "TLS1_3");
        for (String old : List.of("SSLv2", "SSLv3", "TLS1", "TLS1_1")) {
            assertThat(findings.get(old)).as("%s; findings %s", old, findings).isNotNull();
            assertThat(findings.get(old).finding()).as(old).isEqualTo("not offered");
        }
        assertThat(findings.get("TLS1_2").finding()).startsWith("offered");
        assertThat(findings.get("TLS1_3").finding()).startsWith("offered");
        String all = String.join("\n", findings.values().stream().map(Finding::toString).toList());
        for (String vulnerability : VULNERABILITIES) {
            assertThat(findings.get(vulnerability)).as("%s checked; all findings:%n%s", vulnerability, all).isNotNull();
            assertThat(findings.get(vulnerability).severity()).as("%s", findings.get(vulnerability)).isIn("OK", "INFO");
        }
        List<Finding> problems = findings.values().stream()
                .filter(f -> PROBLEMS.contains(f.severity()) && !NOT_THE_SERVERS.contains(f.id())).toList();
        assertThat(problems).as("findings rated MEDIUM or worse; all findings:%n%s", all).isEmpty();
        assertThat(findings.get("cert_chain_of_trust").severity()).as("the chain, checked against the certificate itself")
                .isEqualTo("OK");
        findings.values().stream().filter(f -> !f.severity().equals("OK") && !f.severity().equals("INFO"))
                .forEach(f -> System.out.println("TlsScannersTest: testssl.sh notes " + f));
    }

    @Test
    @Timeout(120)
    void sslscanShouldFindNoProtocolBelowTls12AndNoWeakCipher() throws Exception {
        long start = System.nanoTime();
        String xml = run(List.of("sslscan", "--no-colour", "--xml=-", "127.0.0.1:" + port), Duration.ofSeconds(60));
        System.out.println("TlsScannersTest: sslscan took " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
        Map<String, Boolean> protocols = new LinkedHashMap<>();
        Matcher protocol = Pattern.compile("<protocol type=\"(\\w+)\" version=\"([\\d.]+)\" enabled=\"(\\d)\"").matcher(xml);
        while (protocol.find()) {
            protocols.put(protocol.group(1) + protocol.group(2), protocol.group(3).equals("1"));
        }
        assertThat(protocols).as("sslscan's protocols; its output:%n%s", xml).containsEntry("ssl2", false)
                .containsEntry("ssl3", false).containsEntry("tls1.0", false).containsEntry("tls1.1", false)
                .containsEntry("tls1.2", true).containsEntry("tls1.3", true);
        List<String> ciphers = new ArrayList<>();
        Matcher cipher = Pattern.compile("<cipher status=\"(\\w+)\" sslversion=\"([^\"]+)\" bits=\"(\\d+)\" cipher=\"([^\"]+)\"[^>]*strength=\"(\\w+)\"")
                .matcher(xml);
        while (cipher.find()) {
            ciphers.add(cipher.group(2) + " " + cipher.group(4) + " " + cipher.group(3) + " bits " + cipher.group(5));
            assertThat(cipher.group(2)).as("protocol of %s", cipher.group(4)).isIn("TLSv1.2", "TLSv1.3");
            assertThat(cipher.group(5)).as("strength of %s", cipher.group(4)).isIn("strong", "acceptable");
            assertThat(Integer.parseInt(cipher.group(3))).as("bits of %s", cipher.group(4)).isGreaterThanOrEqualTo(128);
        }
        System.out.println("TlsScannersTest: sslscan accepted " + ciphers);
        assertThat(ciphers).as("ciphers sslscan found accepted; its output:%n%s", xml).isNotEmpty();
        assertThat(xml).as("sslscan on heartbleed").doesNotContain("vulnerable=\"1\"");
    }

    /** One line of testssl.sh's CSV: an id, its severity and what it found. */
    record Finding(String id, String severity, String finding) {
        @Override
        public String toString() {
            return id + " " + severity + " " + finding;
        }
    }

    /** {@return testssl.sh's CSV findings by id (the first line for each id)} */
    private static Map<String, Finding> findings(Path csv) throws IOException {
        Map<String, Finding> byId = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            List<String> fields = csvFields(line);
            if (fields.size() >= 5) {
                byId.putIfAbsent(fields.get(0), new Finding(fields.get(0), fields.get(3), fields.get(4)));
            }
        }
        return byId;
    }

    /** {@return the fields of one CSV line whose fields are all quoted, {@code ""} standing for a quote} */
    static List<String> csvFields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }

    /** Runs {@code command} in the test's directory; {@return its output} It must exit 0 within {@code timeout}. */
    private String run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        return run(command, timeout, 0);
    }

    /** As above, accepting the given exit codes. */
    private String run(List<String> command, Duration timeout, Integer... exits) throws IOException, InterruptedException {
        Path log = dir.resolve("command-" + started.size() + ".log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        started.add(process);
        boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as("%s finished within %s; its output so far:%n%s", command, timeout, output).isTrue();
        assertThat(process.exitValue()).as("%s exit code; its output:%n%s", command, output).isIn((Object[]) exits);
        return output;
    }
}
