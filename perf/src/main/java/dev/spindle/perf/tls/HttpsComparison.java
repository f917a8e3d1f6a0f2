package dev.spindle.perf.tls;

import dev.spindle.perf.Scripts;
import dev.spindle.perf.http.HttpComparison;
import dev.spindle.perf.http.HttpComparison.Result;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Run from {@code main}, one thread. HTTPS and TLS servers side by side, in one run, as
 * {@link HttpComparison} does it in the clear: each {@link HttpsContender} in a fresh process on
 * 127.0.0.1 with one event loop and the same EC P-256 certificate (made for this run by
 * {@link PemCertificate}), warmed up with the load it is then measured under until its CPU per
 * request settles ({@link #WINDOW_SECONDS}), measured for {@value HttpComparison#SECONDS} s with {@value HttpComparison#CONNECTIONS} connections while its
 * CPU time is read from {@code /proc/<pid>/stat}. The loads:
 * <ul>
 *   <li>HTTPS keep-alive {@code /plaintext} and {@code /json}: {@code wrk -t1 -c50 -d10s --latency}
 *       over https;</li>
 *   <li>full TLS 1.3 handshakes, one {@code GET /plaintext} with {@code Connection: close} on each new
 *       connection: {@code perf/node/tls-load.js handshake}, on OpenSSL as wrk is, because wrk
 *       resumes sessions when it reconnects (about every other one: Node's server counted 1,162 full
 *       and 1,157 resumed handshakes in 2 s of {@code wrk -H 'Connection: close'}), and so does the
 *       JDK's client even with each session invalidated (19 of 1,062). After it, a server that counts
 *       its handshakes ({@code GET /handshakes}, Node's) is asked how many resumed, and the run fails
 *       if any did;</li>
 *   <li>TCP echo over TLS, 128-byte messages, one in flight per connection:
 *       {@code perf/node/tls-load.js echo}, as {@code EchoLoad} does it in the clear.</li>
 * </ul>
 * The server's CPU time per request (per handshake) is the fair figure: each load takes one of the
 * two cores.
 *
 * <p>{@code -Dservers=vertx,node} (the default; {@code spindle} once issue 18 builds it),
 * {@code -Dscenarios=plaintext,json,handshake,echo}, {@code -Drounds=1}, {@code -Dwarmup=10 -DwarmupMax=90}. Run with
 * {@code perf/https-comparison}; writes {@code perf/target/https-comparison.md}.
 */
public final class HttpsComparison {

    static final int ECHO_SIZE = 128;
    /**
     * The warm-up: windows of {@value #WINDOW_SECONDS} s of the scenario's load, at least
     * {@code -Dwarmup=} s (10 by default), then until the server's CPU per request falls by less than
     * {@value #SETTLED_PERCENT} % from one window to the next, at most {@code -DwarmupMax=} s (90). A fixed
     * 5 s, as {@link HttpComparison} has, is far too short on this 2-core machine shared with other
     * builds: a fresh Vert.x JVM under wrk over https spent 2,087, 144, 49, 18.4, 14.4 and 23.3 µs of
     * CPU per request in six 10-s windows in a row, and 15 s of handshakes left it at 1.7–4.9 ms per
     * handshake from one round to the next.
     */
    static final int WINDOW_SECONDS = 5;
    static final int SETTLED_PERCENT = 15;
    static final int WARMUP_SECONDS = Integer.getInteger("warmup", 10);
    static final int WARMUP_MAX_SECONDS = Integer.getInteger("warmupMax", 90);
    static final Duration READY_WITHIN = Duration.ofMinutes(1);

    /** How a scenario loads the server. */
    enum Load { WRK, HANDSHAKE, ECHO }

    /** One row group of the table; {@code key} is what {@code -Dscenarios=} names it by. */
    record Scenario(String key, String name, Load load, String path) {
    }

    static final List<Scenario> SCENARIOS = List.of(
            new Scenario("plaintext", "https plaintext, keep-alive", Load.WRK, "/plaintext"),
            new Scenario("json", "https json, keep-alive", Load.WRK, "/json"),
            new Scenario("handshake", "full TLS handshake + 1 request", Load.HANDSHAKE, "/plaintext"),
            new Scenario("echo", "tls echo 128 B", Load.ECHO, null));

    private HttpsComparison() {
    }

    public static void main(String[] args) throws Exception {
        List<String> only = List.of(System.getProperty("scenarios", "").split(","));
        List<HttpsContender> servers = new ArrayList<>();
        for (String name : System.getProperty("servers", HttpsContender.DEFAULT_SERVERS).split(",")) {
            try {
                servers.add(HttpsContender.named(name.strip()));
            } catch (IllegalArgumentException unknown) {
                System.err.println(unknown.getMessage());
                System.exit(2);
            }
        }
        int rounds = Integer.getInteger("rounds", 1);
        Map<String, Map<String, List<Result>>> results = new LinkedHashMap<>();
        Map<String, Map<String, List<Integer>>> warmups = new LinkedHashMap<>();
        Map<String, String> negotiated = new LinkedHashMap<>();
        List<String> handshakeChecks = new ArrayList<>();
        int port = 19080;
        try (PemCertificate certificate = PemCertificate.create()) {
            SSLContext trusting = PemCertificate.trusting(certificate.certificate());
            for (Scenario scenario : SCENARIOS) {
                if (!only.equals(List.of("")) && !only.contains(scenario.key())) {
                    continue;
                }
                for (int round = 0; round < rounds; round++) {
                    // rounds interleave the servers and rotate who goes first, as HttpComparison's do
                    for (int i = 0; i < servers.size(); i++) {
                        HttpsContender server = servers.get((i + round) % servers.size());
                        port += 2;
                        Measured measured = measure(server, scenario, port, certificate, trusting, HttpComparison.SECONDS);
                        Result result = measured.result();
                        negotiated.putIfAbsent(server.name(), measured.negotiated());
                        measured.handshakes().ifPresent(counted -> handshakeChecks.add(server.name() + ": " + counted));
                        results.computeIfAbsent(scenario.name(), k -> new LinkedHashMap<>())
                                .computeIfAbsent(server.name(), k -> new ArrayList<>()).add(result);
                        warmups.computeIfAbsent(scenario.name(), k -> new LinkedHashMap<>())
                                .computeIfAbsent(server.name(), k -> new ArrayList<>()).add(measured.warmupSeconds());
                        System.out.printf(Locale.ROOT, "%-32s %-8s round %d/%d %10.0f /s  p50 %8.0f us  p99 %8.0f us  server %.2f cores  %.2f us CPU per request%n",
                                scenario.name(), server.name(), round + 1, rounds, result.rate(), result.p50us(),
                                result.p99us(), result.cores(), result.cpuMicrosPerRequest());
                    }
                }
            }
        }
        String table = table(results, warmups, rounds, negotiated, handshakeChecks);
        System.out.println();
        System.out.println(table);
        Path out = Path.of("perf/target/https-comparison.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
        System.out.println("written to " + out);
    }

    /** One measurement, the seconds of warm-up before it, what the server negotiated, and its handshake counts if it keeps them. */
    record Measured(Result result, int warmupSeconds, String negotiated, Optional<String> handshakes) {
    }

    static Measured measure(HttpsContender contender, Scenario scenario, int port, PemCertificate certificate,
            SSLContext trusting, int seconds) throws Exception {
        try (ServerProcess server = ServerProcess.start(contender.name(), contender.command(port, certificate), READY_WITHIN)) {
            String negotiated = negotiated(trusting, scenario.load() == Load.ECHO ? port + 1 : port);
            int warmup = warmUp(contender.name(), scenario, port, certificate, server.pid());
            Result result = loadMeasured(scenario, port, certificate, server.pid(), seconds);
            Optional<String> handshakes = scenario.load() == Load.HANDSHAKE
                    ? handshakeCounts(trusting, port) : Optional.empty();
            return new Measured(result, warmup, negotiated, handshakes);
        }
    }

    /** {@return the seconds spent warming the server up: see {@link #WINDOW_SECONDS}} */
    static int warmUp(String name, Scenario scenario, int port, PemCertificate certificate, long pid) throws Exception {
        int spent = 0;
        double previous = Double.POSITIVE_INFINITY;
        StringBuilder trace = new StringBuilder();
        while (spent < WARMUP_MAX_SECONDS) {
            double perRequest = loadMeasured(scenario, port, certificate, pid, WINDOW_SECONDS).cpuMicrosPerRequest();
            spent += WINDOW_SECONDS;
            trace.append(String.format(Locale.ROOT, " %.1f", perRequest));
            boolean settled = perRequest > previous * (100 - SETTLED_PERCENT) / 100;
            previous = perRequest;
            if (spent >= WARMUP_SECONDS && settled) {
                break;
            }
        }
        System.out.printf(Locale.ROOT, "  warm-up of %s, %s: %d s, CPU us per request per window:%s%n", name,
                scenario.name(), spent, trace);
        return spent;
    }

    /** {@return one run of the scenario's load, with the server's CPU time over it} */
    static Result loadMeasured(Scenario scenario, int port, PemCertificate certificate, long pid, int seconds)
            throws Exception {
        long before = HttpComparison.cpuTicks(pid);
        String report = load(scenario, port, certificate, seconds);
        long after = HttpComparison.cpuTicks(pid);
        double cpuSeconds = (after - before) / (double) HttpComparison.TICKS_PER_SECOND;
        return scenario.load() == Load.WRK ? HttpComparison.parseWrk(report, cpuSeconds) : parseLoad(report, cpuSeconds);
    }

    /** {@return the output of one run of the scenario's load against the server on {@code port}} */
    static String load(Scenario scenario, int port, PemCertificate certificate, int seconds) throws Exception {
        String connections = Integer.toString(HttpComparison.CONNECTIONS);
        String cert = certificate.certificate().toString();
        return HttpComparison.run(switch (scenario.load()) {
            case WRK -> List.of("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "--latency",
                    "https://127.0.0.1:" + port + scenario.path());
            case HANDSHAKE -> List.of("node", Scripts.node("tls-load.js"), "handshake", Integer.toString(port), connections,
                    Integer.toString(seconds), cert, scenario.path());
            case ECHO -> List.of("node", Scripts.node("tls-load.js"), "echo", Integer.toString(port + 1), connections,
                    Integer.toString(seconds), cert, Integer.toString(ECHO_SIZE));
        });
    }

    /** {@return a {@code tls-load.js} report as a result: each round trip is a request} */
    static Result parseLoad(String report, double cpuSeconds) {
        Matcher m = Pattern.compile("RESULT trips=(\\d+) rate=([\\d.]+) p50us=([\\d.]+) p99us=([\\d.]+)").matcher(report);
        if (!m.find()) {
            throw new IllegalStateException("the load failed: " + report);
        }
        return new Result(Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)),
                cpuSeconds, Double.parseDouble(m.group(1)));
    }

    /** {@return protocol, cipher suite and ALPN protocol of a JDK client's connection to {@code port}} */
    static String negotiated(SSLContext trusting, int port) throws IOException {
        try (SSLSocket socket = TlsClients.connect(trusting, port)) {
            String alpn = socket.getApplicationProtocol();
            return socket.getSession().getProtocol() + " " + socket.getSession().getCipherSuite()
                    + (alpn == null || alpn.isEmpty() ? "" : " " + alpn);
        }
    }

    /**
     * {@return the server's handshake counts from {@code GET /handshakes}, if it keeps them}
     *
     * @throws IllegalStateException if any handshake was resumed: the handshake figures would mix in cheap ones
     */
    static Optional<String> handshakeCounts(SSLContext trusting, int port)
            throws IOException, InterruptedException, GeneralSecurityException {
        try (HttpClient client = HttpClient.newBuilder().sslContext(trusting).version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/handshakes")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            Matcher m = Pattern.compile("\"full\":(\\d+),\"resumed\":(\\d+)").matcher(response.body());
            if (!m.find()) {
                throw new IllegalStateException("cannot read the handshake counts: " + response.body());
            }
            if (Long.parseLong(m.group(2)) > 0) {
                throw new IllegalStateException("the server resumed " + m.group(2) + " of " + m.group(1) + " + "
                        + m.group(2) + " sessions: the handshake load must make full handshakes only");
            }
            return Optional.of(m.group(1) + " full handshakes, " + m.group(2) + " resumed");
        }
    }

    static String table(Map<String, Map<String, List<Result>>> results, Map<String, Map<String, List<Integer>>> warmups,
            int rounds, Map<String, String> negotiated,
            List<String> handshakeChecks) {
        StringBuilder t = new StringBuilder();
        t.append(LocalDate.now()).append(", ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.vm.version")).append(" for the JVMs; one event loop per server, one EC P-256")
                .append(" certificate for all (openssl, made for the run), on 127.0.0.1; warm-up: ").append(WINDOW_SECONDS)
                .append("-s windows of the same load, at least ").append(WARMUP_SECONDS).append(" s, until the server's CPU per")
                .append(" request falls by less than ").append(SETTLED_PERCENT).append(" % from one window to the next (at most ")
                .append(WARMUP_MAX_SECONDS).append(" s); then ").append(HttpComparison.SECONDS).append(" s measured; keep-alive: wrk -t1 -c")
                .append(HttpComparison.CONNECTIONS).append(" -d").append(HttpComparison.SECONDS)
                .append("s --latency over https; handshake: node tls-load.js, ").append(HttpComparison.CONNECTIONS)
                .append(" connections, each round a new connection, a full handshake (no resumption) and one GET with")
                .append(" Connection: close; tls echo: node tls-load.js, ").append(HttpComparison.CONNECTIONS)
                .append(" connections, ").append(ECHO_SIZE).append(" B; server CPU from /proc; CPU µs/req of the")
                .append(" handshake rows is per handshake plus its request");
        if (rounds > 1) {
            t.append("; ").append(rounds).append(" interleaved rounds: each figure is the median over the rounds,")
                    .append(" each ratio the median of the per-round ratios with their range");
        }
        t.append("\n\n");
        t.append("| scenario | server | req/s | p50 µs | p99 µs | server cores | CPU µs/req | CPU/req ÷ Vert.x | CPU/req ÷ Node | req/s ÷ Vert.x | warm-up s |\n");
        t.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Map.Entry<String, Map<String, List<Result>>> row : results.entrySet()) {
            List<Result> vertx = row.getValue().get("vertx");
            List<Result> node = row.getValue().get("node");
            for (Map.Entry<String, List<Result>> cell : row.getValue().entrySet()) {
                List<Result> r = cell.getValue();
                List<Integer> warmup = warmups.get(row.getKey()).get(cell.getKey());
                t.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %.0f | %.0f | %.2f | %.2f | %s | %s | %s | %s |%n",
                        row.getKey(), cell.getKey(), HttpComparison.median(r, Result::rate),
                        HttpComparison.median(r, Result::p50us), HttpComparison.median(r, Result::p99us),
                        HttpComparison.median(r, Result::cores), HttpComparison.median(r, Result::cpuMicrosPerRequest),
                        HttpComparison.ratio(r, vertx, Result::cpuMicrosPerRequest),
                        HttpComparison.ratio(r, node, Result::cpuMicrosPerRequest),
                        HttpComparison.ratio(r, vertx, Result::rate),
                        warmup.stream().map(String::valueOf).collect(Collectors.joining(", "))));
            }
        }
        t.append('\n');
        negotiated.forEach((server, what) -> t.append("- ").append(server).append(" negotiated with the JDK client: ")
                .append(what).append('\n'));
        handshakeChecks.forEach(check -> t.append("- counted by ").append(check).append('\n'));
        return t.toString();
    }
}
