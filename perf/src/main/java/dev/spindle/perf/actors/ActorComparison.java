package dev.spindle.perf.actors;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Spindle against Pekko, scenario by scenario, in interleaved rounds: each round runs every
 * scenario for both runtimes back to back, each in a fresh JVM ({@link ActorBench}), alternating
 * which goes first; the ratio is taken within the round and the table shows medians over rounds.
 * (This VM drifts between a fast and a slow regime; pairing within a round is what makes a ratio
 * mean something. See perf/README.md.)
 *
 * <p>Run: {@code java [-Dcontenders=spindle,pekko] -cp perf/target/benchmarks.jar dev.spindle.perf.actors.ActorComparison [rounds] [scenario...]}
 * where a contender is one of {@link ActorBench#contender}'s names.
 * Prints the table and writes it to {@code perf/target/actor-comparison.md}.
 */
public final class ActorComparison {

    /** The flags every benchmark JVM gets, Spindle's and Pekko's alike. */
    public static final List<String> JVM_FLAGS = List.of(
            "-Xms2g", "-Xmx2g", "-XX:+UseG1GC",
            // Pekko 1.1.5 calls sun.misc.Unsafe; without this JDK 25 prints a warning. Spindle needs no flag.
            "--sun-misc-unsafe-memory-access=allow");
    /** The first is the subject; the table gives its ratio to each of the others. */
    private static final List<String> CONTENDERS = List.of(System.getProperty("contenders", "spindle,pekko,node").split(","));

    private ActorComparison() {
    }

    /** One run's figures: the median of its measured iterations, and all of them. */
    public record Result(double median, String unit, String all, String extraName, String extra) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<String> scenarios = args.length > 1
                ? List.of(args).subList(1, args.length)
                : List.of("pingpong1", "pingpong8", "fanin4", "spawn", "blocking", "skynet", "offload", "emit");
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("java.class.path");
        Map<String, List<Map<String, Result>>> byScenario = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (String scenario : scenarios) {
                Map<String, Result> results = new HashMap<>();
                List<String> order = new ArrayList<>(CONTENDERS);
                Collections.rotate(order, round);
                for (String contender : order) {
                    if (!supports(contender, scenario)) {
                        continue;
                    }
                    Result result = run(java, classpath, contender, scenario);
                    results.put(contender, result);
                    System.out.printf(Locale.ROOT, "round %d %-9s %-7s median %,14.1f %s  [%s]  %s=%s%n", round + 1,
                            scenario, contender, result.median(), result.unit(), result.all(), result.extraName(),
                            result.extra());
                }
                byScenario.computeIfAbsent(scenario, s -> new ArrayList<>()).add(results);
            }
        }
        String table = table(byScenario, rounds);
        System.out.println();
        System.out.println(table);
        Path out = Path.of("perf", "target", "actor-comparison.md");
        if (Files.isDirectory(out.getParent())) {
            Files.writeString(out, table);
            System.out.println("written to " + out);
        }
    }

    /** Pekko has no EventEmitter; Node is the peer of {@code emit} (EventEmitter) and {@code offload} (worker_threads). */
    public static boolean supports(String contender, String scenario) {
        return switch (contender) {
            case "node" -> scenario.equals("emit") || scenario.equals("offload");
            case "pekko" -> !scenario.equals("emit");
            default -> true;
        };
    }

    private static Result run(String java, String classpath, String contender, String scenario)
            throws IOException, InterruptedException {
        return run(java, classpath, contender, scenario, Map.of());
    }

    /**
     * {@return one run of {@code scenario} by {@code contender} in a process of its own} {@code bench}
     * sets {@code -Dbench.<key>} (warmups, measured, scale) for a JVM, {@code BENCH_<KEY>} for Node.
     */
    public static Result run(String java, String classpath, String contender, String scenario, Map<String, String> bench)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (contender.equals("node")) {
            command.addAll(List.of("node", dev.spindle.perf.Scripts.node(scenario + ".js")));
        } else {
            command.add(java);
            command.addAll(JVM_FLAGS);
            bench.forEach((key, value) -> command.add("-Dbench." + key + "=" + value));
            command.addAll(List.of("-cp", classpath, ActorBench.class.getName(), contender, scenario));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        bench.forEach((key, value) -> builder.environment().put("BENCH_" + key.toUpperCase(Locale.ROOT), value));
        Process process = builder.start();
        String resultLine = null;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("RESULT ")) {
                    resultLine = line;
                }
            }
        }
        int exit = process.waitFor();
        if (exit != 0 || resultLine == null) {
            throw new IllegalStateException(contender + " " + scenario + " failed: exit " + exit);
        }
        Map<String, String> fields = new HashMap<>();
        String[] parts = resultLine.split(" ");
        for (int i = 3; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            fields.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        String extraName = fields.keySet().stream()
                .filter(k -> !List.of("median", "unit", "all").contains(k)).findFirst().orElse("none");
        return new Result(Double.parseDouble(fields.get("median")), fields.get("unit"), fields.get("all"),
                extraName, fields.getOrDefault(extraName, "-"));
    }

    private static String table(Map<String, List<Map<String, Result>>> byScenario, int rounds) {
        String subject = CONTENDERS.getFirst();
        List<String> others = CONTENDERS.subList(1, CONTENDERS.size());
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%s, %d interleaved rounds; median over rounds of each run's median of "
                + "%d measured iterations (after %d warm-ups); each run in its own JVM (%s)%n%n",
                LocalDate.now(), rounds, ActorBench.MEASURED, ActorBench.WARMUPS, String.join(" ", JVM_FLAGS)));
        table.append("| scenario | unit |");
        CONTENDERS.forEach(c -> table.append(' ').append(c).append(" |"));
        others.forEach(c -> table.append(' ').append(subject).append(" ÷ ").append(c).append(" [min – max] |"));
        table.append(" extra |\n| --- | --- |");
        CONTENDERS.forEach(c -> table.append(" ---: |"));
        others.forEach(c -> table.append(" ---: |"));
        table.append(" --- |\n");
        for (Map.Entry<String, List<Map<String, Result>>> entry : byScenario.entrySet()) {
            List<Map<String, Result>> perRound = entry.getValue();
            Result first = perRound.getFirst().get(subject);
            boolean lowerIsBetter = first.unit().equals("ms");
            table.append("| ").append(entry.getKey()).append(" | ").append(first.unit()).append(" |");
            for (String contender : CONTENDERS) {
                if (!supports(contender, entry.getKey())) {
                    table.append(" – |");
                    continue;
                }
                table.append(String.format(Locale.ROOT, " %,.0f |",
                        median(perRound.stream().map(r -> r.get(contender).median()).toList())));
            }
            for (String other : others) {
                if (!supports(other, entry.getKey())) {
                    table.append(" – |");
                    continue;
                }
                List<Double> ratios = perRound.stream().map(r -> {
                    double s = r.get(subject).median();
                    double o = r.get(other).median();
                    if (o == 0 || s == 0) {
                        // A stall (blocking isolation): no ratio; the table shows the 0.
                        return o == 0 && s > 0 ? Double.POSITIVE_INFINITY : 0.0;
                    }
                    return lowerIsBetter ? o / s : s / o;
                }).toList();
                table.append(String.format(Locale.ROOT, " **%s** [%s – %s] |", ratio(median(ratios)),
                        ratio(ratios.stream().min(Double::compare).orElseThrow()),
                        ratio(ratios.stream().max(Double::compare).orElseThrow())));
            }
            StringBuilder extra = new StringBuilder(first.extraName().equals("none") ? "" : first.extraName() + ":");
            if (!first.extraName().equals("none")) {
                for (String contender : CONTENDERS) {
                    if (supports(contender, entry.getKey())) {
                        extra.append(' ').append(contender).append(' ').append(String.join("/",
                                perRound.stream().map(r -> r.get(contender).extra()).toList()));
                    }
                }
            }
            table.append(' ').append(extra).append(" |\n");
        }
        table.append("\nRatios are per round, better = above 1 (for ms, the other's time ÷ ours); "
                + "∞ means the other stalled (0 msg/s within 30 s) and ours did not.\n");
        return table.toString();
    }

    private static String ratio(double value) {
        return Double.isInfinite(value) ? "∞" : String.format(Locale.ROOT, "%.2f×", value);
    }

    /** The middle value; for an even count, the mean of the two middle ones. */
    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
