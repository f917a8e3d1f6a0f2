package dev.spindle.perf;

import dev.spindle.perf.actors.ActorComparison;
import dev.spindle.perf.http.HttpComparison;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The comparison suite in one command ({@code perf/report [smoke|quick|full]}): every workload on
 * Spindle and on its peers in the same run, one after another, in interleaved rounds (the order of
 * the runtimes rotates per round); then {@code report.md}, {@code results.json} and a PNG bar chart
 * per group in {@code perf/results/<date>-<mode>/}, and a summary table on standard output.
 *
 * <p>Groups so far: actors against Pekko (and Node's EventEmitter), each scenario a fresh process
 * ({@link ActorComparison}); HTTP against Vert.x and Node's {@code http} ({@link HttpComparison}).
 * Modes: {@code smoke} (one tiny workload per runtime, seconds: the test that the harness works),
 * {@code quick} (under ten minutes on 2 cores), {@code full} (three rounds, the published sizes).
 */
public final class Report {

    /** How much to run. */
    public enum Mode {
        SMOKE(1, Map.of("warmups", "1", "measured", "1", "scale", "0.01"), 1, 1, 1, 1, 200),
        QUICK(1, Map.of("warmups", "2", "measured", "3"), 3, 8, 1, 3, 1000),
        FULL(3, Map.of(), 5, 10, 2, 4, 1000);

        final int rounds;
        final Map<String, String> bench;
        final int httpWarmup;
        final int httpSeconds;
        /** JMH's warm-up and measured iterations for the mailboxes, and each one's length. */
        final int jmhWarmups;
        final int jmhMeasured;
        final int jmhMillis;

        Mode(int rounds, Map<String, String> bench, int httpWarmup, int httpSeconds, int jmhWarmups, int jmhMeasured,
                int jmhMillis) {
            this.rounds = rounds;
            this.bench = bench;
            this.httpWarmup = httpWarmup;
            this.httpSeconds = httpSeconds;
            this.jmhWarmups = jmhWarmups;
            this.jmhMeasured = jmhMeasured;
            this.jmhMillis = jmhMillis;
        }
    }

    /** One figure of one runtime for one workload, per round; {@code higherIsBetter} orients ratios. */
    public record Measurement(String group, String workload, String runtime, String unit, boolean higherIsBetter,
            List<Double> values) {

        double median() {
            return Report.median(values);
        }

        double min() {
            return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }

        double max() {
            return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }
    }

    /** How one run of one runtime is measured: its main figure by the workload's name, plus any extra (p99, say). */
    @FunctionalInterface
    interface Measure {
        Map<String, Double> of(String runtime) throws Exception;
    }

    /** A workload: its runtimes (Spindle first) and how one run of one runtime is measured. */
    record Workload(String group, String name, String unit, boolean higherIsBetter, List<String> runtimes,
            Measure measure) {
    }

    private final Mode mode;
    private final Map<String, Measurement> results = new LinkedHashMap<>();

    private Report(Mode mode) {
        this.mode = mode;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 1 && args[0].equals("render")) {
            render(Path.of(args[1]));
            return;
        }
        Mode mode = Mode.valueOf((args.length > 0 ? args[0] : "quick").toUpperCase(Locale.ROOT));
        Path out = args.length > 1 ? Path.of(args[1])
                : Path.of("perf", "results", LocalDate.now() + "-" + mode.name().toLowerCase(Locale.ROOT));
        run(mode, out);
    }

    private static final java.util.regex.Pattern MEASUREMENT = java.util.regex.Pattern.compile(
            "\\{\"group\": \"([^\"]*)\", \"workload\": \"([^\"]*)\", \"runtime\": \"([^\"]*)\", \"unit\": \"([^\"]*)\", "
                    + "\"higherIsBetter\": (true|false), .*?\"values\": \\[([^\\]]*)\\]\\}");

    /** Writes {@code report.md} and the charts again from the {@code results.json} in {@code out} (no run). */
    static void render(Path out) throws Exception {
        System.setProperty("java.awt.headless", "true");
        String json = Files.readString(out.resolve("results.json"));
        java.util.regex.Matcher modeMatch = java.util.regex.Pattern.compile("\"mode\": \"(\\w+)\"").matcher(json);
        if (!modeMatch.find()) {
            throw new IllegalArgumentException("no mode in " + out.resolve("results.json"));
        }
        Report report = new Report(Mode.valueOf(modeMatch.group(1).toUpperCase(Locale.ROOT)));
        java.util.regex.Matcher m = MEASUREMENT.matcher(json);
        while (m.find()) {
            List<Double> values = new ArrayList<>();
            for (String v : m.group(6).split(",")) {
                values.add(Double.parseDouble(v.strip()));
            }
            report.results.put(m.group(1) + "|" + m.group(2) + "|" + m.group(3),
                    new Measurement(m.group(1), m.group(2), m.group(3), m.group(4), Boolean.parseBoolean(m.group(5)), values));
        }
        List<String> charts = report.charts(out);
        Files.writeString(out.resolve("report.md"), report.markdown(charts));
        System.out.println(report.summary());
        System.out.println("rendered " + out.resolve("report.md") + " and " + charts.size() + " charts from results.json");
    }

    /** Runs the suite in {@code mode} and writes the report into {@code out}. */
    public static void run(Mode mode, Path out) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Report report = new Report(mode);
        report.measureAll(workloads(mode));
        Files.createDirectories(out);
        Files.writeString(out.resolve("results.json"), report.json());
        List<String> charts = report.charts(out);
        Files.writeString(out.resolve("report.md"), report.markdown(charts));
        System.out.println();
        System.out.println(report.summary());
        System.out.println("written to " + out.resolve("report.md") + ", results.json and " + charts.size() + " charts");
    }

    static List<Workload> workloads(Mode mode) {
        List<Workload> all = new ArrayList<>();
        List<String> actorScenarios = switch (mode) {
            case SMOKE -> List.of("pingpong1", "emit");
            case QUICK -> List.of("pingpong1", "pingpong8", "fanin4", "spawn", "skynet", "offload", "emit",
                    "counting", "threadring", "fjthroughput", "fjcreate", "chameneos", "big", "banking");
            case FULL -> List.of("pingpong1", "pingpong8", "fanin4", "spawn", "blocking", "skynet", "offload", "emit",
                    "counting", "threadring", "fjthroughput", "fjcreate", "chameneos", "big", "banking");
        };
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("java.class.path");
        for (String scenario : actorScenarios) {
            List<String> runtimes = new ArrayList<>();
            for (String runtime : List.of("spindle", "pekko", "node")) {
                if (ActorComparison.supports(runtime, scenario)) {
                    runtimes.add(runtime);
                }
            }
            String unit = unitOf(scenario);
            all.add(new Workload("actors", scenario, unit, !unit.equals("ms"), runtimes, runtime -> {
                ActorComparison.Result r = ActorComparison.run(java, classpath, runtime, scenario, mode.bench);
                Map<String, Double> figures = new LinkedHashMap<>();
                figures.put(scenario, r.median());
                if (r.extraName().equals("bytesPerActor")) {
                    figures.put(scenario + " bytes/actor", medianOf(r.extra()));
                }
                return figures;
            }));
        }
        // Each mailbox beside the bare structure it is built on: the physical limit, so at best 1.
        record Raw(String mailbox, String structure, String arm) {
        }
        Raw ring = new Raw("ring", "disruptor", "RawRingBenchmark:producer=bare");
        List<Raw> mailboxes = mode == Mode.SMOKE ? List.of(ring)
                : List.of(ring, new Raw("bounded", "jctools", "RawJctoolsBenchmark:queue=mpmcArray"),
                        new Raw("chunked", "jctools", "RawJctoolsBenchmark:queue=mpscUnbounded"));
        org.openjdk.jmh.runner.options.TimeValue iteration = org.openjdk.jmh.runner.options.TimeValue.milliseconds(mode.jmhMillis);
        for (String group : mode == Mode.SMOKE ? List.of("p1c1") : List.of("p1c1", "p3c1")) {
            for (Raw raw : mailboxes) {
                String name = raw.mailbox() + " " + group;
                String mailboxArm = "MailboxBenchmark:mailbox=" + raw.mailbox() + ",consumer=hold";
                all.add(new Workload("mailbox", name, "msg/µs", true, List.of("spindle", raw.structure()), runtime ->
                        Map.of(name, PairedRatio.medianMessages(runtime.equals("spindle") ? mailboxArm : raw.arm(), group,
                                mode.jmhWarmups, mode.jmhMeasured, iteration))));
            }
        }
        List<String> httpScenarios = mode == Mode.SMOKE ? List.of("plaintext") : List.of("plaintext", "json");
        for (String key : httpScenarios) {
            HttpComparison.Scenario scenario = HttpComparison.SCENARIOS.stream().filter(s -> s.key().equals(key))
                    .findFirst().orElseThrow();
            all.add(new Workload("http", key, "req/s", true, List.of("spindle", "vertx", "node"), runtime -> {
                    HttpComparison.Result r = HttpComparison.measure(runtime, scenario, freePort(), mode.httpWarmup,
                            mode.httpSeconds);
                    Map<String, Double> figures = new LinkedHashMap<>();
                    figures.put(key, r.rate());
                    figures.put(key + " p50 µs", r.p50us());
                    figures.put(key + " p99 µs", r.p99us());
                    figures.put(key + " CPU µs/req", r.cpuSeconds() * 1e6 / r.requests());
                    return figures;
                }));
        }
        if (mode != Mode.SMOKE) {
            all.add(new Workload("cluster", "ipc round trip", "trips/s", true, List.of("spindle", "node"), runtime ->
                    Map.of("ipc round trip", runtime.equals("spindle")
                            ? resultMedian(List.of(java, "-cp", classpath, "dev.spindle.perf.cluster.IpcPingPong"))
                            : resultMedian(List.of("node", Scripts.node("ipc.js"))))));
            all.add(new Workload("cluster", "2 workers plaintext", "req/s", true,
                    // spindle and node: their round-robin (Node's default); -os: the kernel's SO_REUSEPORT / shared socket
                    List.of("spindle", "spindle-os", "node", "node-os"), runtime -> {
                        String server = runtime.equals("spindle") ? "spindle-rr" : runtime.equals("node") ? "node-rr" : runtime;
                        dev.spindle.perf.http.ClusterComparison.Run run =
                                dev.spindle.perf.http.ClusterComparison.measure(server, freePort());
                        Map<String, Double> figures = new LinkedHashMap<>();
                        figures.put("2 workers plaintext", run.result().rate());
                        figures.put("2 workers spread max/min", run.spread());
                        figures.put("2 workers CPU µs/req", run.result().cpuSeconds() * 1e6 / run.result().requests());
                        return figures;
                    }));
        }
        return all;
    }

    /** {@return the {@code median=} of the {@code RESULT} line that {@code command} prints} */
    private static double resultMedian(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("RESULT ")) {
                    result = line;
                }
            }
        }
        int exit = process.waitFor();
        java.util.regex.Matcher median = java.util.regex.Pattern.compile("median=([0-9.]+)").matcher(result == null ? "" : result);
        if (exit != 0 || !median.find()) {
            throw new IllegalStateException(command + " failed: exit " + exit + ", " + result);
        }
        return Double.parseDouble(median.group(1));
    }

    private static String unitOf(String scenario) {
        return switch (scenario) {
            case "spawn", "skynet" -> "ms";
            case "offload" -> "rt/s";
            case "emit" -> "emit/s";
            case "threadring" -> "hop/s";
            case "fjcreate" -> "actor/s";
            case "chameneos" -> "meet/s";
            case "banking" -> "xfer/s";
            default -> "msg/s";
        };
    }

    /** {@return the middle value; for an even count, the mean of the two middle ones} */
    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** {@return the median of comma-separated figures ("146,150,149")} */
    private static double medianOf(String commaSeparated) {
        return median(java.util.Arrays.stream(commaSeparated.split(",")).map(Double::valueOf).toList());
    }

    /**
     * {@return a port that is free now, and so is the next one} The HTTP servers listen on both
     * (TCP echo on the next). A port the kernel gives out is an ephemeral one, so the next may be
     * some client connection's local port: a Vert.x server that could not listen there waited for
     * ever in one CI run.
     */
    private static int freePort() throws IOException {
        for (int attempt = 0; ; attempt++) {
            try (ServerSocket probe = new ServerSocket(0)) {
                int port = probe.getLocalPort();
                try {
                    new ServerSocket(port + 1).close();
                    return port;
                } catch (IOException taken) {
                    if (attempt >= 100) {
                        throw taken;
                    }
                }
            }
        }
    }

    private void measureAll(List<Workload> workloads) throws Exception {
        int steps = mode.rounds * workloads.stream().mapToInt(w -> w.runtimes().size()).sum();
        int step = 0;
        long start = System.nanoTime();
        for (int round = 0; round < mode.rounds; round++) {
            for (Workload workload : workloads) {
                List<String> order = new ArrayList<>(workload.runtimes());
                Collections.rotate(order, round);
                for (String runtime : order) {
                    step++;
                    Map<String, Double> figures = workload.measure().of(runtime);
                    figures.forEach((name, value) -> {
                        boolean main = name.equals(workload.name());
                        String unit = main ? workload.unit() : name.substring(name.lastIndexOf(' ') + 1);
                        boolean higher = main && workload.higherIsBetter(); // latency and CPU: lower is better
                        results.computeIfAbsent(workload.group() + "|" + name + "|" + runtime, k -> new Measurement(
                                workload.group(), name, runtime, unit, higher, new ArrayList<>())).values().add(value);
                    });
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    double left = elapsed / step * (steps - step);
                    System.out.printf(Locale.ROOT, "[%d/%d] round %d %s/%s %-8s %,14.1f %s   (%s elapsed, about %s left)%n",
                            step, steps, round + 1, workload.group(), workload.name(), runtime,
                            figures.get(workload.name()), workload.unit(), clock(elapsed), clock(left));
                }
            }
        }
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** {@return a ratio as the tables show it; a peer at 0 (stalled) has no finite ratio} */
    private static String ratioText(double ratio) {
        return Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2f×", ratio) : "∞ (the peer made 0)";
    }

    /** {@return Spindle's figure ÷ the peer's, oriented so that above 1 means Spindle does better} */
    private static double ratio(Measurement spindle, Measurement peer) {
        return spindle.higherIsBetter() ? spindle.median() / peer.median() : peer.median() / spindle.median();
    }

    /** Workloads by group, each with its measurements by runtime. */
    private Map<String, Map<String, Map<String, Measurement>>> byGroup() {
        Map<String, Map<String, Map<String, Measurement>>> groups = new LinkedHashMap<>();
        for (Measurement m : results.values()) {
            groups.computeIfAbsent(m.group(), g -> new LinkedHashMap<>())
                    .computeIfAbsent(m.workload(), w -> new LinkedHashMap<>()).put(m.runtime(), m);
        }
        return groups;
    }

    String summary() {
        StringBuilder t = new StringBuilder("| group | workload | Spindle | peers (median) | Spindle vs peer |\n| --- | --- | ---: | --- | --- |\n");
        byGroup().forEach((group, workloads) -> workloads.forEach((workload, byRuntime) -> {
            Measurement spindle = byRuntime.get("spindle");
            if (spindle == null) {
                return;
            }
            StringJoiner peers = new StringJoiner(", ");
            StringJoiner ratios = new StringJoiner(", ");
            byRuntime.forEach((runtime, m) -> {
                if (!runtime.equals("spindle")) {
                    peers.add(runtime + " " + figure(m.median()));
                    ratios.add(ratioText(ratio(spindle, m)) + " " + runtime);
                }
            });
            t.append("| ").append(group).append(" | ").append(workload).append(" | ").append(figure(spindle.median()))
                    .append(' ').append(spindle.unit()).append(" | ").append(peers).append(" | ").append(ratios).append(" |\n");
        }));
        return t.toString();
    }

    private static String figure(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    private String markdown(List<String> charts) throws IOException, InterruptedException {
        StringBuilder md = new StringBuilder();
        md.append("# Spindle against its peers, ").append(LocalDate.now()).append(" (").append(mode.name().toLowerCase(Locale.ROOT))
                .append(" mode)\n\n");
        md.append("Command: `perf/report ").append(mode.name().toLowerCase(Locale.ROOT)).append("`; ").append(mode.rounds)
                .append(mode.rounds == 1 ? " round" : " interleaved rounds (the runtimes' order rotates)")
                .append("; medians, the spread is the range over rounds, ratios are Spindle's median over the peer's, ")
                .append("oriented so that above 1 means Spindle does better.\n\n");
        md.append("## Machine\n\n").append(machine()).append('\n');
        md.append("## What each runtime was given\n\n")
                .append("- Actors: each scenario a fresh JVM (`").append(String.join(" ", ActorComparison.JVM_FLAGS))
                .append("`), Spindle with its defaults, Pekko typed ").append(version("pekko")).append(" with its default ")
                .append("dispatcher; Node runs its script (`perf/node/<scenario>.js`) alone: `emit` on an `EventEmitter`, `offload` ")
                .append("to one `worker_threads` Worker started beforehand. Iterations: ")
                .append(mode.bench.getOrDefault("warmups", "3")).append(" warm-up, ").append(mode.bench.getOrDefault("measured", "5"))
                .append(" measured, sizes × ").append(mode.bench.getOrDefault("scale", "1")).append(".\n")
                .append("- HTTP: one event loop each (Spindle `IoConfig.loops = 1`; Vert.x ").append(version("vertx"))
                .append(" `eventLoopPoolSize = 1`; Node one process), `-Xms1g -Xmx1g` for the JVMs, `wrk -t1 -c50` for ")
                .append(mode.httpSeconds).append(" s after ").append(mode.httpWarmup).append(" s of warm-up.\n")
                .append("- Cluster (quick and full modes): IPC round trips primary ⇄ worker against Node's `process.send` ")
                .append("(`IpcPingPong`, `perf/node/ipc.js`); two workers serving plaintext against Node's `cluster` ")
                .append("(`ClusterComparison`: `spindle` and `node` are each one's round-robin, `-os` the kernel's balancing; ")
                .append("`wrk -t1 -c50`, 10 s after 5 s).\n")
                .append("- Savina subset (counting, threadring, fjthroughput, fjcreate, chameneos, big, banking): written once per ")
                .append("runtime in its own idiom from one definition (`Contender`), with the same sizes and seeded choices ")
                .append("(`Savina`); banking stashes with `ctx.stash()` in Spindle and a `StashBuffer` in Pekko.\n")
                .append("- Mailboxes (JMH ").append(version("jmh")).append(", one fork each, ").append(mode.jmhWarmups)
                .append(" warm-up and ").append(mode.jmhMeasured).append(" measured iterations of ").append(mode.jmhMillis)
                .append(" ms): each mailbox through its public contract (`MailboxBenchmark`, consumer `hold`) against the bare ")
                .append("structure it is built on, the physical limit: `ring` against the Disruptor ").append(version("disruptor"))
                .append(" multi-producer ring (`RawRingBenchmark`, producer `bare`), `bounded` and `chunked` against JCTools ")
                .append(version("jctools")).append(" `MpmcAtomicArrayQueue` and `MpscUnboundedAtomicArrayQueue` ")
                .append("(`RawJctoolsBenchmark`); p1c1 is one producer, p3c1 three, each to one consumer; messages per µs.\n\n");
        byGroup().forEach((group, workloads) -> {
            md.append("## ").append(group).append("\n\n");
            for (String chart : charts) {
                if (chart.startsWith(group + ".") || chart.startsWith(group + "-")) {
                    md.append("![").append(chart.replace(".png", "")).append("](").append(chart).append(")\n\n");
                }
            }
            md.append("| workload | runtime | median | spread | unit | Spindle vs it |\n| --- | --- | ---: | --- | --- | ---: |\n");
            workloads.forEach((workload, byRuntime) -> byRuntime.forEach((runtime, m) -> {
                Measurement spindle = byRuntime.get("spindle");
                md.append("| ").append(workload).append(" | ").append(runtime).append(" | ").append(figure(m.median()))
                        .append(" | ").append(figure(m.min())).append("–").append(figure(m.max())).append(" | ").append(m.unit())
                        .append(" | ").append(spindle == null || runtime.equals("spindle") ? "" : ratioText(ratio(spindle, m)))
                        .append(" |\n");
            }));
            md.append('\n');
        });
        md.append("## Summary\n\n").append(summary());
        return md.toString();
    }

    /** The peers' versions, as the pom gives them (a filtered resource: {@code versions.properties}). */
    private static final java.util.Properties VERSIONS = new java.util.Properties();

    static {
        try (var in = Report.class.getResourceAsStream("versions.properties")) {
            if (in == null) {
                throw new IllegalStateException("versions.properties is missing from the perf jar");
            }
            VERSIONS.load(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String version(String peer) {
        return VERSIONS.getProperty(peer, "?");
    }

    private String machine() throws IOException, InterruptedException {
        return "- " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + " " + System.getProperty("os.arch") + "\n"
                + "- JDK " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")\n"
                + "- Node.js " + firstLine("node", "--version") + "; " + firstLine("wrk", "--version") + "\n"
                + "- Pekko " + version("pekko") + ", Vert.x " + version("vertx") + ", Disruptor " + version("disruptor")
                + ", JCTools " + version("jctools") + ", JMH " + version("jmh") + "\n";
    }

    private static String firstLine(String... command) throws IOException, InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line = in.readLine();
                p.waitFor();
                return line == null ? command[0] + " (no version)" : line.strip();
            }
        } catch (IOException e) {
            return command[0] + " (not installed)";
        }
    }

    /** One bar chart per group: Spindle's ratio to each peer, per workload (its main figure). */
    private List<String> charts(Path out) throws IOException {
        List<String> written = new ArrayList<>();
        for (var group : byGroup().entrySet()) {
            List<String> workloads = new ArrayList<>();
            Set<String> peers = new LinkedHashSet<>();
            for (var w : group.getValue().entrySet()) {
                if (isExtra(w.getKey(), w.getValue().values().iterator().next().unit())) {
                    continue; // latency, CPU and spread figures: in the tables
                }
                workloads.add(w.getKey());
                w.getValue().keySet().stream().filter(r -> !r.equals("spindle")).forEach(peers::add);
            }
            if (workloads.isEmpty() || peers.isEmpty()) {
                continue;
            }
            // Ratios are multiplicative (2× and 0.5× are as far from even): a log axis with a line at 1,
            // labels turned so that long names stay apart, and no bar where a peer has no figure.
            CategoryChart chart = new CategoryChartBuilder().width(Math.min(1600, Math.max(900, 90 * workloads.size() + 250)))
                    .height(560).title(group.getKey() + ": Spindle ÷ peer, log scale (above 1: Spindle does better)")
                    .xAxisTitle("workload").yAxisTitle("ratio").build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            chart.getStyler().setLabelsVisible(true);
            chart.getStyler().setDecimalPattern("0.00");
            chart.getStyler().setYAxisLogarithmic(true);
            chart.getStyler().setXAxisLabelRotation(30);
            // Side by side where a workload has several peers; one centred bar where each has one.
            chart.getStyler().setOverlapped(group.getValue().values().stream().allMatch(byRuntime -> byRuntime.size() <= 2));
            chart.addAnnotation(new AnnotationLine(1.0, false, false));
            double least = 1;
            double most = 1;
            for (String peer : peers) {
                List<Double> ratios = new ArrayList<>();
                for (String workload : workloads) {
                    Measurement spindle = group.getValue().get(workload).get("spindle");
                    Measurement other = group.getValue().get(workload).get(peer);
                    double r = spindle == null || other == null ? Double.NaN : ratio(spindle, other);
                    boolean drawn = Double.isFinite(r) && r > 0;
                    ratios.add(drawn ? r : null); // a peer at 0: no bar, the table says why
                    least = drawn ? Math.min(least, r) : least;
                    most = drawn ? Math.max(most, r) : most;
                }
                chart.addSeries("vs " + peer, workloads, ratios);
            }
            // Bars start from the axis' minimum, which a log axis must have above 0: whole decades around the data.
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(least))));
            chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(most * 1.01))));
            String file = group.getKey() + ".png";
            BitmapEncoder.saveBitmap(chart, out.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
            written.add(file);
        }
        String latency = latencyChart(out);
        if (latency != null) {
            written.add(latency);
        }
        return written;
    }

    /** {@return whether a figure is a workload's extra (its name ends with its unit: "plaintext p99 µs")} */
    private static boolean isExtra(String name, String unit) {
        return name.endsWith(" " + unit);
    }

    /** HTTP latency percentiles (µs, lower is better) per runtime, for each HTTP workload. */
    private String latencyChart(Path out) throws IOException {
        Map<String, Map<String, Measurement>> http = byGroup().get("http");
        if (http == null) {
            return null;
        }
        List<String> categories = new ArrayList<>();
        Map<String, List<Double>> byRuntime = new LinkedHashMap<>();
        for (var w : http.entrySet()) {
            if (w.getKey().endsWith(" µs") && (w.getKey().contains(" p50 ") || w.getKey().contains(" p99 "))) {
                categories.add(w.getKey().replace(" µs", ""));
                w.getValue().forEach((runtime, m) -> byRuntime.computeIfAbsent(runtime, r -> new ArrayList<>()).add(m.median()));
            }
        }
        if (categories.isEmpty()) {
            return null;
        }
        CategoryChart chart = new CategoryChartBuilder().width(900).height(480)
                .title("http: latency percentiles, µs (lower is better)").xAxisTitle("percentile").yAxisTitle("µs").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setDecimalPattern("#,##0");
        byRuntime.forEach((runtime, values) -> {
            if (values.size() == categories.size()) {
                chart.addSeries(runtime, categories, values);
            }
        });
        String file = "http-latency.png";
        BitmapEncoder.saveBitmap(chart, out.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /** {@return every measurement, and the machine, as JSON} */
    String json() throws IOException, InterruptedException {
        StringJoiner ms = new StringJoiner(",\n    ", "[\n    ", "\n  ]");
        for (Measurement m : results.values()) {
            StringJoiner values = new StringJoiner(", ", "[", "]");
            m.values().forEach(v -> values.add(Double.toString(v)));
            ms.add("{\"group\": " + quote(m.group()) + ", \"workload\": " + quote(m.workload()) + ", \"runtime\": "
                    + quote(m.runtime()) + ", \"unit\": " + quote(m.unit()) + ", \"higherIsBetter\": " + m.higherIsBetter()
                    + ", \"median\": " + m.median() + ", \"min\": " + m.min() + ", \"max\": " + m.max() + ", \"values\": "
                    + values + "}");
        }
        return "{\n  \"date\": " + quote(LocalDate.now().toString()) + ",\n  \"mode\": " + quote(mode.name().toLowerCase(Locale.ROOT))
                + ",\n  \"rounds\": " + mode.rounds + ",\n  \"machine\": {\"cores\": " + Runtime.getRuntime().availableProcessors()
                + ", \"os\": " + quote(System.getProperty("os.name") + " " + System.getProperty("os.version")) + ", \"jdk\": "
                + quote(System.getProperty("java.version")) + ", \"node\": " + quote(firstLine("node", "--version"))
                + ", \"pekko\": " + quote(version("pekko")) + ", \"vertx\": " + quote(version("vertx")) + ", \"disruptor\": "
                + quote(version("disruptor")) + ", \"jctools\": " + quote(version("jctools")) + "},\n  \"measurements\": " + ms + "\n}\n";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
