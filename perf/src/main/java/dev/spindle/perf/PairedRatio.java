package dev.spindle.perf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * A mailbox as a fraction of its raw structure, measured in interleaved rounds.
 *
 * <p>On the 2-vCPU VMs we measure on, throughput drifts between a fast and a slow regime that
 * lasts from seconds to minutes, whatever the benchmark (README.md shows it). A plain JMH run
 * measures all forks of one benchmark, then all of the next, so two benchmarks can land in
 * different regimes and their ratio says nothing. Here each round runs one short fork of every
 * arm back to back, rotating which goes first, and the ratio is taken within the round; the median
 * over rounds is the figure.
 *
 * <p>Run: {@code java -cp perf/target/benchmarks.jar dev.spindle.perf.PairedRatio [rounds] [arm...]}
 * where an arm is {@code Benchmark:param=value,param=value} and the first arm is the baseline.
 * Default: 5 rounds of the raw ring (bare, fenced, claimed) and the ring mailbox (hold), p1c1 and
 * p3c1; about 5 minutes.
 */
public final class PairedRatio {

    private static final List<String> DEFAULT_ARMS = List.of(
            "RawRingBenchmark:producer=bare",
            "RawRingBenchmark:producer=fenced",
            "RawRingBenchmark:producer=claimed",
            "MailboxBenchmark:mailbox=ring,consumer=hold");

    private PairedRatio() {
    }

    public static void main(String[] args) throws RunnerException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<String> arms = args.length > 1 ? List.of(args).subList(1, args.length) : DEFAULT_ARMS;
        for (String group : List.of("p1c1", "p3c1")) {
            double[][] medians = new double[rounds][arms.size()];
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < arms.size(); k++) {
                    int arm = (round + k) % arms.size();
                    medians[round][arm] = medianMessages(arms.get(arm), group);
                }
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s round %d:", group, round + 1));
                for (int arm = 0; arm < arms.size(); arm++) {
                    line.append(String.format(Locale.ROOT, "  %s %.1f", arms.get(arm), medians[round][arm]));
                }
                System.out.println(line);
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "| %s arm | median msgs/us over rounds | ratio to %s: median [min – max] over rounds |%n",
                    group, arms.get(0));
            System.out.println("| --- | ---: | ---: |");
            for (int arm = 0; arm < arms.size(); arm++) {
                double[] own = new double[rounds];
                double[] ratio = new double[rounds];
                for (int round = 0; round < rounds; round++) {
                    own[round] = medians[round][arm];
                    ratio[round] = medians[round][arm] / medians[round][0];
                }
                double[] sortedRatio = sorted(ratio);
                System.out.printf(Locale.ROOT, "| %s | %.1f | %.0f%% [%.0f%% – %.0f%%] |%n", arms.get(arm), median(own),
                        100 * median(ratio), 100 * sortedRatio[0], 100 * sortedRatio[rounds - 1]);
            }
            System.out.println();
        }
    }

    /** One fork of one arm: the median of its measured iterations' {@code messages} score. */
    private static double medianMessages(String arm, String group) throws RunnerException {
        return medianMessages(arm, group, 2, 4, TimeValue.seconds(1));
    }

    /**
     * {@return messages per µs: one fork of {@code arm} ({@code Benchmark:param=value,...}) in
     * {@code group} (p1c1 or p3c1), the median of its {@code measured} iterations after
     * {@code warmups}, each {@code length} long}
     */
    static double medianMessages(String arm, String group, int warmups, int measured, TimeValue length)
            throws RunnerException {
        String[] parts = arm.split(":", 2);
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("\\." + parts[0] + "\\." + group + "$")
                .forks(1)
                .warmupIterations(warmups)
                .warmupTime(length)
                .measurementIterations(measured)
                .measurementTime(length)
                // JMH 1.37 reads field offsets through sun.misc.Unsafe: JDK 25 warns without this.
                .jvmArgsAppend("--sun-misc-unsafe-memory-access=allow")
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
        if (parts.length > 1) {
            for (String param : parts[1].split(",")) {
                String[] nameValue = param.split("=", 2);
                options.param(nameValue[0], nameValue[1]);
            }
        }
        List<Double> scores = new ArrayList<>();
        for (RunResult run : new Runner(options.build()).run()) {
            for (BenchmarkResult fork : run.getBenchmarkResults()) {
                for (IterationResult iteration : fork.getIterationResults()) {
                    scores.add(iteration.getSecondaryResults().get("messages").getScore());
                }
            }
        }
        if (scores.isEmpty()) {
            throw new IllegalArgumentException("no benchmark matched " + arm + " " + group);
        }
        return median(scores.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    private static double median(double[] values) {
        double[] s = sorted(values);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
