package dev.spindle.perf.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spindle vs Vert.x vs Node.js over HTTP and TCP, in one run: each server in a fresh process on
 * 127.0.0.1 with one event loop, warmed up with wrk for {@value #WARMUP_SECONDS} s, then loaded
 * with {@code wrk -t1 -c50 -d10s --latency} (TCP echo: {@link EchoLoad}, 50 connections). Besides
 * req/s and latency, each server's CPU time over the measured 10 s is read from
 * {@code /proc/<pid>/stat}: wrk needs about one of the two cores, so raw req/s is capped near
 * wrk's limit and CPU time per request is the fair figure.
 *
 * <p>Run with {@code perf/http-comparison} (installs wrk if missing); writes
 * {@code perf/target/http-comparison.md}.
 */
public final class HttpComparison {

    public static final int WARMUP_SECONDS = 5;
    public static final int SECONDS = 10;
    public static final int CONNECTIONS = 50;
    public static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    /** One row of the table; {@code key} is what {@code -Dscenarios=} names it by. */
    public record Scenario(String key, String name, String path, int pipeline, boolean node) {
    }

    public static final List<Scenario> SCENARIOS = List.of(
            new Scenario("plaintext", "plaintext", "/plaintext", 1, true),
            new Scenario("plaintext-pipelined", "plaintext, pipelined 16", "/plaintext", 16, true),
            new Scenario("json", "json", "/json", 1, true),
            new Scenario("64k", "64 KiB", "/64k", 1, true),
            new Scenario("cpu", "cpu (offloaded)", "/cpu", 1, true),
            new Scenario("echo", "tcp echo 128 B", null, 1, false));

    /** One measurement ({@link #cores()} assumes it lasted {@link HttpComparison#SECONDS}); also HttpsComparison's. */
    public record Result(double rate, double p50us, double p99us, double cpuSeconds, double requests) {
        public double cpuMicrosPerRequest() {
            return cpuSeconds * 1e6 / requests;
        }

        public double cores() {
            return cpuSeconds / SECONDS;
        }
    }

    private HttpComparison() {
    }

    public static void main(String[] args) throws Exception {
        List<String> only = List.of(System.getProperty("scenarios", "").split(","));
        List<String> servers = List.of(System.getProperty("servers", "spindle,vertx,node").split(","));
        int rounds = Integer.getInteger("rounds", 1);
        Map<String, Map<String, List<Result>>> results = new LinkedHashMap<>();
        int port = 18080;
        for (Scenario scenario : SCENARIOS) {
            if (!only.equals(List.of("")) && !only.contains(scenario.key())) {
                continue;
            }
            for (int round = 0; round < rounds; round++) {
                // rounds interleave the servers and rotate who goes first, so a slow spell on the
                // machine lands on every server rather than on one
                for (int i = 0; i < servers.size(); i++) {
                    String server = servers.get((i + round) % servers.size());
                    if (server.equals("node") && !scenario.node()) {
                        continue;
                    }
                    port += 2;
                    Result result = measure(server, scenario, port);
                    results.computeIfAbsent(scenario.name(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(server, k -> new ArrayList<>()).add(result);
                    System.out.printf(Locale.ROOT, "%-24s %-8s round %d/%d %12.0f /s  p50 %8.0f us  p99 %8.0f us  server %.2f cores  %.2f us CPU per request%n",
                            scenario.name(), server, round + 1, rounds, result.rate(), result.p50us(), result.p99us(),
                            result.cores(), result.cpuMicrosPerRequest());
                }
            }
        }
        String table = table(results, rounds);
        System.out.println();
        System.out.println(table);
        Path out = Path.of("perf/target/http-comparison.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
        System.out.println("written to " + out);
    }

    /** Servers that said READY (by pid): the watchdog in {@link #measure} leaves them alone. */
    private static final Set<Long> READY = ConcurrentHashMap.newKeySet();

    static Result measure(String server, Scenario scenario, int port) throws Exception {
        return measure(server, scenario, port, WARMUP_SECONDS, SECONDS);
    }

    /** {@link #measure(String, Scenario, int)} with these durations ({@link Result#cores()} assumes {@link #SECONDS}). */
    public static Result measure(String server, Scenario scenario, int port, int warmupSeconds, int seconds)
            throws Exception {
        String jar = System.getProperty("java.class.path");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = switch (server) {
            case "spindle" -> List.of(java, "-Xms1g", "-Xmx1g", "-cp", jar, SpindleHttpServer.class.getName(), Integer.toString(port));
            case "vertx" -> List.of(java, "-Xms1g", "-Xmx1g", "--sun-misc-unsafe-memory-access=allow", "-cp", jar,
                    VertxHttpServer.class.getName(), Integer.toString(port));
            case "node" -> List.of("node", dev.spindle.perf.Scripts.node("http.js"), Integer.toString(port));
            default -> throw new IllegalArgumentException("server: " + server);
        };
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        // A server that never says READY is ended after a minute, so that reading its output ends too.
        CompletableFuture.delayedExecutor(60, TimeUnit.SECONDS).execute(() -> {
            if (process.isAlive() && !READY.contains(process.pid())) {
                process.destroyForcibly();
            }
        });
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            for (String line = output.readLine(); line == null || !line.startsWith("READY"); line = output.readLine()) {
                if (line == null) {
                    throw new IllegalStateException(server + " exited before it was ready (or was not ready within a minute)");
                }
                System.out.println("  [" + server + "] " + line);
            }
            READY.add(process.pid());
            Thread.ofPlatform().daemon().start(() -> output.lines().forEach(l -> System.out.println("  [" + server + "] " + l)));
            if (scenario.path() == null) {
                load(port + 1, scenario, warmupSeconds);
                long before = cpuTicks(process.pid());
                String[] echo = load(port + 1, scenario, seconds);
                long after = cpuTicks(process.pid());
                double trips = Double.parseDouble(echo[0]);
                return new Result(Double.parseDouble(echo[1]), Double.parseDouble(echo[2]), Double.parseDouble(echo[3]),
                        (after - before) / (double) TICKS_PER_SECOND, trips);
            }
            wrk(port, scenario, warmupSeconds);
            long before = cpuTicks(process.pid());
            String report = wrk(port, scenario, seconds);
            long after = cpuTicks(process.pid());
            return parseWrk(report, (after - before) / (double) TICKS_PER_SECOND);
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    static String wrk(int port, Scenario scenario, int seconds) throws Exception {
        List<String> command = new ArrayList<>(List.of("wrk", "-t1", "-c" + CONNECTIONS, "-d" + seconds + "s", "--latency"));
        if (scenario.pipeline() > 1) {
            command.addAll(List.of("-s", "perf/wrk/pipeline.lua"));
        }
        command.add("http://127.0.0.1:" + port + scenario.path());
        if (scenario.pipeline() > 1) {
            command.addAll(List.of("--", Integer.toString(scenario.pipeline())));
        }
        return run(command);
    }

    /** {@return trips, rate, p50, p99 of one {@link EchoLoad} run} */
    static String[] load(int port, Scenario scenario, int seconds) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String out = run(List.of(java, "-cp", System.getProperty("java.class.path"), EchoLoad.class.getName(),
                Integer.toString(port), Integer.toString(CONNECTIONS), Integer.toString(seconds), "128"));
        Matcher m = Pattern.compile("RESULT trips=(\\d+) rate=([\\d.]+) p50us=([\\d.]+) p99us=([\\d.]+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("echo load failed: " + out);
        }
        return new String[] {m.group(1), m.group(2), m.group(3), m.group(4)};
    }

    public static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    public static Result parseWrk(String report, double cpuSeconds) {
        Matcher rate = Pattern.compile("Requests/sec:\\s+([\\d.]+)").matcher(report);
        Matcher count = Pattern.compile("(\\d+) requests in").matcher(report);
        Matcher p50 = Pattern.compile("\\s50%\\s+([\\d.]+)(us|ms|s)").matcher(report);
        Matcher p99 = Pattern.compile("\\s99%\\s+([\\d.]+)(us|ms|s)").matcher(report);
        if (!rate.find() || !count.find() || !p50.find() || !p99.find()) {
            throw new IllegalStateException("cannot read wrk's report:\n" + report);
        }
        if (report.contains("Non-2xx") || report.contains("Socket errors")) {
            System.out.println("  wrk reported errors:\n" + report);
        }
        return new Result(Double.parseDouble(rate.group(1)), micros(p50), micros(p99), cpuSeconds,
                Double.parseDouble(count.group(1)));
    }

    private static double micros(Matcher m) {
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value;
            case "ms" -> value * 1e3;
            default -> value * 1e6;
        };
    }

    /** {@return user + system CPU ticks of process {@code pid} so far} */
    public static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    static String table(Map<String, Map<String, List<Result>>> results, int rounds) {
        StringBuilder t = new StringBuilder();
        t.append(LocalDate.now()).append(", one event loop per server, wrk -t1 -c").append(CONNECTIONS).append(" -d")
                .append(SECONDS).append("s --latency on 127.0.0.1 (TCP echo: EchoLoad, ").append(CONNECTIONS)
                .append(" connections, 128 B); server CPU from /proc");
        if (rounds > 1) {
            t.append("; ").append(rounds).append(" interleaved rounds: each figure is the median over the rounds,")
                    .append(" each ratio the median of the per-round ratios with their range");
        }
        t.append("\n\n");
        t.append("| scenario | server | req/s | p50 µs | p99 µs | server cores | CPU µs/req | req/s ÷ Vert.x | CPU/req ÷ Vert.x | req/s ÷ Node |\n");
        t.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Map.Entry<String, Map<String, List<Result>>> row : results.entrySet()) {
            List<Result> vertx = row.getValue().get("vertx");
            List<Result> node = row.getValue().get("node");
            for (Map.Entry<String, List<Result>> cell : row.getValue().entrySet()) {
                List<Result> r = cell.getValue();
                t.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %.0f | %.0f | %.2f | %.2f | %s | %s | %s |%n",
                        row.getKey(), cell.getKey(), median(r, Result::rate), median(r, Result::p50us),
                        median(r, Result::p99us), median(r, Result::cores), median(r, Result::cpuMicrosPerRequest),
                        ratio(r, vertx, Result::rate), ratio(r, vertx, Result::cpuMicrosPerRequest),
                        ratio(r, node, Result::rate)));
            }
        }
        return t.toString();
    }

    /** {@return the median of the per-round ratios of {@code metric}, with their range when there are several} */
    public static String ratio(List<Result> mine, List<Result> peer, ToDoubleFunction<Result> metric) {
        if (peer == null) {
            return "–";
        }
        int n = Math.min(mine.size(), peer.size());
        double[] ratios = new double[n];
        for (int i = 0; i < n; i++) {
            ratios[i] = metric.applyAsDouble(mine.get(i)) / metric.applyAsDouble(peer.get(i));
        }
        Arrays.sort(ratios);
        String median = String.format(Locale.ROOT, "%.2f×", median(ratios));
        return n == 1 || ratios[0] == ratios[n - 1] ? median
                : median + String.format(Locale.ROOT, " (%.2f–%.2f)", ratios[0], ratios[n - 1]);
    }

    public static double median(List<Result> results, ToDoubleFunction<Result> metric) {
        double[] values = results.stream().mapToDouble(metric).sorted().toArray();
        return median(values);
    }

    /** {@return the median of sorted {@code values}} */
    static double median(double[] values) {
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
