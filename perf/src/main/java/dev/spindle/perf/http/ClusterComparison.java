package dev.spindle.perf.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Spindle's cluster against Node's {@code cluster}, two workers each, plaintext HTTP on one port:
 * {@code wrk -t1 -c50 -d10s --latency}, the CPU time of the primary and its workers together, and
 * how wrk's 50 connections spread over the workers (max ÷ min of each worker's open connections,
 * asked halfway through the run). Servers: {@code spindle-rr} ({@link ClusterHttpServer}, workers
 * sharing one socket, {@code Balancing.ROUND_ROBIN}), {@code spindle-os} (each worker its own
 * {@code SO_REUSEPORT} socket, {@code Balancing.REUSE_PORT}), {@code node-rr} (Node's default: the
 * primary deals connections in turn),
 * {@code node-os} (Node's {@code SCHED_NONE}: the OS decides). Rounds interleave the servers.
 * Run: {@code perf/cluster-comparison} ({@code ROUNDS=5} for more rounds).
 */
public final class ClusterComparison {

    static final int WORKERS = 2;
    static final HttpComparison.Scenario PLAINTEXT =
            new HttpComparison.Scenario("plaintext", "plaintext", "/plaintext", 1, true);

    /** One measurement, and the connection spread. */
    public record Run(HttpComparison.Result result, double spread, String stats) {
    }

    private ClusterComparison() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("rounds", 3);
        List<String> servers = List.of(System.getProperty("servers", "spindle-rr,spindle-os,node-rr,node-os").split(","));
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        int port = 19300;
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < servers.size(); i++) {
                String server = servers.get((i + round) % servers.size());
                port += 1;
                Run run = measure(server, port);
                runs.computeIfAbsent(server, k -> new ArrayList<>()).add(run);
                System.out.printf(Locale.ROOT, "%-10s round %d/%d %10.0f req/s  p99 %6.0f us  %.2f cores  %.2f us CPU/req  spread %.2f (%s)%n",
                        server, round + 1, rounds, run.result().rate(), run.result().p99us(), run.result().cores(),
                        run.result().cpuMicrosPerRequest(), run.spread(), run.stats());
            }
        }
        String table = table(runs, rounds);
        System.out.println();
        System.out.println(table);
        Path out = Path.of("perf/target/cluster-comparison.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
        System.out.println("written to " + out);
    }

    public static Run measure(String server, int port) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = switch (server) {
            case "spindle-rr", "spindle-os" -> new ProcessBuilder(java, "-Xms512m", "-Xmx512m", "-cp",
                    System.getProperty("java.class.path"), ClusterHttpServer.class.getName(), Integer.toString(port),
                    Integer.toString(WORKERS), server.equals("spindle-rr") ? "ROUND_ROBIN" : "REUSE_PORT");
            case "node-rr", "node-os" -> {
                ProcessBuilder node = new ProcessBuilder("node", dev.spindle.perf.Scripts.node("cluster-http.js"), Integer.toString(port),
                        Integer.toString(WORKERS));
                node.environment().put("NODE_CLUSTER_SCHED_POLICY", server.equals("node-rr") ? "rr" : "none");
                yield node;
            }
            default -> throw new IllegalArgumentException("server: " + server);
        };
        Process process = builder.redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        try {
            await(lines, "READY", server);
            HttpComparison.wrk(port, PLAINTEXT, HttpComparison.WARMUP_SECONDS);
            List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
            tree.add(process.toHandle());
            long before = cpuTicks(tree);
            CompletableFuture<String> wrk = CompletableFuture.supplyAsync(() -> {
                try {
                    return HttpComparison.wrk(port, PLAINTEXT, HttpComparison.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // Halfway through, while all 50 connections are open: where are they?
            Thread.sleep(TimeUnit.SECONDS.toMillis(HttpComparison.SECONDS) / 2); // a harness, not a test: plain waiting
            OutputStream stdin = process.getOutputStream();
            stdin.write("stats\n".getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
            String stats = await(lines, "STATS", server).substring("STATS ".length());
            String report = wrk.get();
            long after = cpuTicks(tree);
            double[] open = Arrays.stream(stats.split(" ")).mapToDouble(s -> Double.parseDouble(s.substring(s.indexOf('=') + 1))).toArray();
            double spread = Arrays.stream(open).max().orElse(0) / Math.max(1, Arrays.stream(open).min().orElse(0));
            return new Run(HttpComparison.parseWrk(report, (after - before) / (double) HttpComparison.TICKS_PER_SECOND),
                    spread, stats);
        } finally {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    private static String await(BlockingQueue<String> lines, String prefix, String server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IllegalStateException(server + ": no " + prefix + " line within 60 s");
            }
            if (line.startsWith(prefix)) {
                return line;
            }
            System.out.println("  [" + server + "] " + line);
        }
    }

    private static long cpuTicks(List<ProcessHandle> processes) {
        long ticks = 0;
        for (ProcessHandle p : processes) {
            try {
                ticks += HttpComparison.cpuTicks(p.pid());
            } catch (IOException gone) {
                // exited: its time is lost from the sum, which the spread line would show
            }
        }
        return ticks;
    }

    static String table(Map<String, List<Run>> runs, int rounds) {
        StringBuilder t = new StringBuilder();
        t.append(LocalDate.now()).append(", ").append(WORKERS).append(" workers per cluster, wrk -t1 -c")
                .append(HttpComparison.CONNECTIONS).append(" -d").append(HttpComparison.SECONDS)
                .append("s --latency /plaintext on 127.0.0.1; CPU of the primary and its workers from /proc; spread = max ÷ min "
                        + "of the workers' open connections halfway; ").append(rounds)
                .append(" interleaved rounds: medians, ratios as the median of per-round ratios with their range\n\n");
        t.append("| cluster | req/s | p50 µs | p99 µs | server cores | CPU µs/req | spread | req/s ÷ Node rr | req/s per core ÷ Node rr |\n");
        t.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        List<HttpComparison.Result> node = runs.containsKey("node-rr")
                ? runs.get("node-rr").stream().map(Run::result).toList() : null;
        for (Map.Entry<String, List<Run>> row : runs.entrySet()) {
            List<HttpComparison.Result> r = row.getValue().stream().map(Run::result).toList();
            double[] spreads = row.getValue().stream().mapToDouble(Run::spread).sorted().toArray();
            double spread = HttpComparison.median(spreads);
            ToDoubleFunction<HttpComparison.Result> perCore = x -> x.rate() / x.cores();
            t.append(String.format(Locale.ROOT, "| %s | %,.0f | %.0f | %.0f | %.2f | %.2f | %.2f (worst %.2f) | %s | %s |%n", row.getKey(),
                    HttpComparison.median(r, HttpComparison.Result::rate), HttpComparison.median(r, HttpComparison.Result::p50us),
                    HttpComparison.median(r, HttpComparison.Result::p99us), HttpComparison.median(r, HttpComparison.Result::cores),
                    HttpComparison.median(r, HttpComparison.Result::cpuMicrosPerRequest), spread, spreads[spreads.length - 1],
                    HttpComparison.ratio(r, node, HttpComparison.Result::rate), HttpComparison.ratio(r, node, perCore)));
        }
        return t.toString();
    }
}
