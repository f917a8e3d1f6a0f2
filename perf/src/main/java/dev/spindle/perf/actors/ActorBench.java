package dev.spindle.perf.actors;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One scenario for one runtime, in a JVM of its own (so that neither runtime's threads, JIT
 * profile or heap affects the other): warm-up iterations, then measured ones, then one
 * {@code RESULT} line on standard output that {@link ActorComparison} parses.
 *
 * <p>Run: {@code java -cp perf/target/benchmarks.jar dev.spindle.perf.actors.ActorBench spindle|pekko <scenario>}
 * with a scenario of {@link Scenario}.
 */
public final class ActorBench {

    /** What is measured, and how big one iteration is. */
    enum Scenario {
        /** One pair of actors bounce a message; messages per second. */
        PINGPONG1("msg/s"),
        /** Eight pairs at once; messages per second, all pairs together. */
        PINGPONG8("msg/s"),
        /** Four senders into one receiver, windows of 1,000 acknowledged; messages per second. */
        FANIN4("msg/s"),
        /** 10^6 idle children of one actor; milliseconds to spawn them (lower is better). */
        SPAWN("ms"),
        /**
         * Eight ping-pong pairs while 10,000 other actors block in their handlers; 0 if they stalled.
         * Each iteration first measures the same pairs with nothing blocked, and reports the blocked
         * figure as a percentage of that one ({@code ofNormalPct}).
         */
        BLOCKING("msg/s"),
        /** Skynet: 10^6 leaf actors in a tree of tens, summing; milliseconds (lower is better). */
        SKYNET("ms"),
        /** One actor offloads a tiny computation and gets its result back, 100,000 times in a row. */
        OFFLOAD("rt/s"),
        /** One actor emits 50 million events to one listener. */
        EMIT("emit/s"),
        /** Savina's thread ring: 100 actors pass a token 10^6 times; hops per second. */
        THREADRING("hop/s"),
        /** Savina's counting actor: 10^6 increments from one sender, then the count; messages per second. */
        COUNTING("msg/s"),
        /** Savina's fork-join throughput: 60 actors, 10,000 messages each, a little arithmetic per message. */
        FJTHROUGHPUT("msg/s"),
        /** Savina's fork-join creation: 100,000 children created, told one message each, stopped. */
        FJCREATE("actor/s"),
        /** Savina's chameneos: 100 creatures meet in pairs at a mall 200,000 times; meetings per second. */
        CHAMENEOS("meet/s"),
        /** Savina's big: 120 actors each ping a random other and wait for the pong, 20,000 times; msg/s. */
        BIG("msg/s"),
        /** Savina's banking: 1,000 accounts, 200,000 transfers (debit, credit, acknowledge, stash meanwhile). */
        BANKING("xfer/s");

        final String unit;

        Scenario(String unit) {
            this.unit = unit;
        }
    }

    /** Iterations before measuring ({@code -Dbench.warmups}, for the report's quick and smoke modes). */
    static final int WARMUPS = Integer.getInteger("bench.warmups", 3);
    static final int MEASURED = Integer.getInteger("bench.measured", 5);
    /** Scales every iteration's size ({@code -Dbench.scale}; 1 = the sizes below, the published figures'). */
    static final double SCALE = Double.parseDouble(System.getProperty("bench.scale", "1"));

    static int scaled(int n) {
        return Math.max(1, (int) (n * SCALE));
    }
    static final int SPAWN_COUNT = 1_000_000;
    /**
     * Round trips per pair in the blocking scenario: 8 million messages, a few hundred milliseconds,
     * so that one young collection (10-30 ms here) does not decide the figure.
     */
    static final int BLOCKING_HITS = 1_000_000;

    private ActorBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: ActorBench spindle|pekko|spindle-fjp|spindle-vt|spindle-loops pingpong1|pingpong8|fanin4|spawn|blocking|skynet|offload|emit|threadring|counting|fjthroughput|fjcreate|chameneos|big|banking");
            System.exit(2);
        }
        Scenario scenario = Scenario.valueOf(args[1].toUpperCase(Locale.ROOT));
        List<Double> values = new ArrayList<>();
        String extra = "";
        try (Contender contender = contender(args[0])) {
            HeapSampler sampler = new HeapSampler();
            for (int i = 0; i < WARMUPS + MEASURED; i++) {
                boolean measured = i >= WARMUPS;
                if (measured && i == WARMUPS) {
                    sampler.reset();
                }
                double value = switch (scenario) {
                    case PINGPONG1 -> contender.pingPong(1, scaled(1_000_000));
                    case PINGPONG8 -> contender.pingPong(8, scaled(250_000));
                    case FANIN4 -> contender.fanIn(4, scaled(1_000_000), 1_000);
                    case BLOCKING -> {
                        System.gc(); // the blocked run collects once before measuring: so does this one
                        double normal = contender.pingPong(8, BLOCKING_HITS);
                        double blocked = contender.blocking(10_000, 8, BLOCKING_HITS);
                        if (measured) {
                            extra = extra.isEmpty() ? "" : extra + ",";
                            extra += String.format(Locale.ROOT, "%.0f", 100 * blocked / normal);
                        }
                        yield blocked;
                    }
                    case SKYNET -> contender.skynet(6);
                    case OFFLOAD -> contender.offload(scaled(100_000));
                    case EMIT -> contender.emit(scaled(50_000_000));
                    case THREADRING -> contender.threadRing(100, scaled(1_000_000));
                    case COUNTING -> contender.counting(scaled(1_000_000));
                    case FJTHROUGHPUT -> contender.forkJoinThroughput(60, scaled(10_000));
                    case FJCREATE -> contender.forkJoinCreation(scaled(100_000));
                    case CHAMENEOS -> contender.chameneos(100, scaled(200_000));
                    case BIG -> contender.big(120, scaled(20_000));
                    case BANKING -> contender.banking(1_000, scaled(200_000));
                    case SPAWN -> {
                        long before = usedAfterGc();
                        long nanos = contender.spawn(SPAWN_COUNT);
                        long after = usedAfterGc();
                        contender.release();
                        if (measured) {
                            extra = extra.isEmpty() ? "" : extra + ",";
                            extra += String.format(Locale.ROOT, "%.0f", (double) (after - before) / SPAWN_COUNT);
                        }
                        yield nanos / 1e6;
                    }
                };
                if (measured) {
                    values.add(value);
                }
                if (value == 0) {
                    // Stalled (blocking isolation): one 30-second timeout says it; no need for eight.
                    values.clear();
                    values.add(0.0);
                    break;
                }
            }
            sampler.stop();
            if (scenario == Scenario.FANIN4) {
                extra = String.format(Locale.ROOT, "%.0f", sampler.peak() / 1e6);
            }
        }
        List<Double> sorted = values.stream().sorted().toList();
        double median = sorted.get(sorted.size() / 2);
        StringBuilder all = new StringBuilder();
        for (double v : values) {
            all.append(all.isEmpty() ? "" : ",").append(String.format(Locale.ROOT, "%.1f", v));
        }
        String extraName = switch (scenario) {
            case SPAWN -> "bytesPerActor";
            case FANIN4 -> "peakHeapMB";
            case BLOCKING -> "ofNormalPct";
            default -> "none";
        };
        System.out.printf(Locale.ROOT, "RESULT %s %s median=%.1f unit=%s all=%s %s=%s%n",
                args[0], scenario.name().toLowerCase(Locale.ROOT), median, scenario.unit, all, extraName,
                extra.isEmpty() ? "-" : extra);
        System.exit(0);
    }

    /**
     * {@code spindle}, {@code pekko}, or Spindle on one of the rejected execution models of
     * {@code dev.spindle.perf.alternatives}: {@code spindle-fjp}, {@code spindle-vt}, {@code spindle-loops};
     * or {@code spindle-8slots}, the runtime with up to 8 hand-off successors per thread instead of one;
     * or {@code spindle-nopool}, without the pool of parked activations (a new virtual thread each).
     */
    static Contender contender(String name) {
        String alternative = switch (name) {
            case "spindle", "pekko", "spindle-8slots", "spindle-nopool" -> null;
            case "spindle-fjp" -> "dev.spindle.perf.alternatives.ForkJoinDispatcher";
            case "spindle-vt" -> "dev.spindle.perf.alternatives.ThreadPerActivationDispatcher";
            case "spindle-loops" -> "dev.spindle.perf.alternatives.EventLoopDispatcher";
            default -> throw new IllegalArgumentException("contender: " + name);
        };
        if (alternative != null) {
            System.setProperty(dev.spindle.actors.internal.Runtime.DISPATCHER_PROPERTY, alternative);
        }
        if (name.equals("spindle-nopool")) {
            // No pool of parked activations: every activation a new virtual thread, as before 2026-12-05.
            System.setProperty("spindle.pooledActivations", "0");
        }
        if (name.equals("spindle-8slots")) {
            // Up to 8 hand-off successors per thread instead of the default one.
            System.setProperty("spindle.handoffSlots", "8");
        }
        return name.equals("pekko") ? new PekkoContender() : new SpindleContender();
    }

    /** Heap in use after collecting garbage until it stops shrinking. */
    static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long now = memory.getHeapMemoryUsage().getUsed();
            if (now >= used - 1024 * 1024) {
                return Math.min(now, used);
            }
            used = now;
        }
        return used;
    }

    /** Samples heap use every 5 ms on a daemon thread; the peak is an estimate of the live set plus garbage. */
    static final class HeapSampler {
        private final AtomicLong peak = new AtomicLong();
        private volatile boolean running = true;

        HeapSampler() {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            Thread sampler = new Thread(() -> {
                while (running) {
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
                }
            }, "heap-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        void reset() {
            peak.set(0);
        }

        long peak() {
            return peak.get();
        }

        void stop() {
            running = false;
        }
    }
}
