package dev.spindle.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a JMH JSON result file ({@code -rf json -rff FILE}) from the throughput benchmarks into the
 * Markdown table of README.md: messages consumed per microsecond (millions per second) as JMH's
 * mean with its 99.9% error, the median and range of all measured iterations, and each mailbox
 * as a fraction of the raw structure it is built on.
 *
 * <p>Run: {@code java -cp perf/target/benchmarks.jar dev.spindle.perf.JmhSummary results.json}
 */
public final class JmhSummary {

    /** The raw structure each mailbox is built on, and so compared with. */
    private static final Map<String, String> BUILT_ON = Map.of(
            "ring", "raw Disruptor ring",
            "bounded", "raw JCTools mpmcArray",
            "chunked", "raw JCTools mpscUnbounded");

    private static final List<String> ORDER = List.of(
            "raw Disruptor ring", "raw Disruptor ring, fenced", "raw Disruptor ring, claimed",
            "ring mailbox, hold", "ring mailbox, idle",
            "raw JCTools mpscArray", "raw JCTools mpmcArray", "raw JCTools mpmcArray, fenced",
            "raw JCTools mpmcArray, claimed", "bounded mailbox, hold", "bounded mailbox, idle",
            "raw JCTools mpscUnbounded", "raw JCTools mpscUnbounded, fenced", "raw JCTools mpscUnbounded, claimed",
            "chunked mailbox, hold", "chunked mailbox, idle");

    private JmhSummary() {
    }

    record Figures(double mean, double error, double median, double min, double max, int samples) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: JmhSummary <jmh-result.json>");
            System.exit(2);
        }
        List<?> runs = (List<?>) new Json(Files.readString(Path.of(args[0]))).value();
        Map<String, Map<String, Figures>> rows = new LinkedHashMap<>();
        for (Object run : runs) {
            Map<?, ?> result = (Map<?, ?>) run;
            String benchmark = (String) result.get("benchmark");
            String group = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            String row = rowName(benchmark, (Map<?, ?>) result.get("params"));
            Map<?, ?> messages = (Map<?, ?>) ((Map<?, ?>) result.get("secondaryMetrics")).get("messages");
            rows.computeIfAbsent(row, r -> new LinkedHashMap<>()).put(group, figures(messages));
        }
        System.out.println("| structure | group | mean ± 99.9% error | median [min – max] | vs. raw (mean) | vs. raw (median) |");
        System.out.println("| --- | --- | ---: | ---: | ---: | ---: |");
        List<String> names = new ArrayList<>(ORDER);
        rows.keySet().stream().filter(r -> !names.contains(r)).forEach(names::add);
        for (String group : List.of("p1c1", "p3c1")) {
            for (String row : names) {
                Figures f = rows.getOrDefault(row, Map.of()).get(group);
                if (f == null) {
                    continue;
                }
                Figures base = rows.getOrDefault(baseline(row), Map.of()).get(group);
                System.out.printf(Locale.ROOT, "| %s | %s | %.1f ± %.1f | %.1f [%.1f – %.1f] | %s | %s |%n",
                        row, group, f.mean, f.error, f.median, f.min, f.max,
                        base == null ? "" : percent(f.mean / base.mean),
                        base == null ? "" : percent(f.median / base.median));
            }
        }
    }

    /** A mailbox's raw structure; a raw variant's bare form; nothing for a bare structure. */
    private static String baseline(String row) {
        if (row.contains(" mailbox, ")) {
            return BUILT_ON.get(row.substring(0, row.indexOf(' ')));
        }
        int comma = row.indexOf(", ");
        return comma < 0 ? "" : row.substring(0, comma);
    }

    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
    }

    private static String rowName(String benchmark, Map<?, ?> params) {
        String kind = benchmark.substring(0, benchmark.lastIndexOf('.'));
        kind = kind.substring(kind.lastIndexOf('.') + 1);
        return switch (kind) {
            case "MailboxBenchmark" -> params.get("mailbox") + " mailbox, " + params.get("consumer");
            case "RawRingBenchmark" -> "raw Disruptor ring" + variant(params);
            case "RawJctoolsBenchmark" -> "raw JCTools " + params.get("queue") + variant(params);
            default -> kind + " " + params;
        };
    }

    private static String variant(Map<?, ?> params) {
        Object producer = params.get("producer");
        return producer == null || producer.equals("bare") ? "" : ", " + producer;
    }

    private static Figures figures(Map<?, ?> metric) {
        List<Double> all = new ArrayList<>();
        for (Object fork : (List<?>) metric.get("rawData")) {
            for (Object x : (List<?>) fork) {
                all.add((Double) x);
            }
        }
        double[] sorted = all.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        Object error = metric.get("scoreError");
        return new Figures((Double) metric.get("score"), error instanceof Double d ? d : Double.NaN,
                median, sorted[0], sorted[n - 1], n);
    }

    /** Just enough JSON for JMH's result file: objects, arrays, strings, numbers, literals. */
    static final class Json {
        private final String text;
        private int at;

        Json(String text) {
            this.text = text;
        }

        Object value() {
            skipSpace();
            char c = text.charAt(at);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't', 'f', 'n' -> literal();
                default -> number();
            };
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            at++;
            skipSpace();
            if (text.charAt(at) == '}') {
                at++;
                return map;
            }
            for (;;) {
                skipSpace();
                String key = string();
                skipSpace();
                expect(':');
                map.put(key, value());
                skipSpace();
                if (text.charAt(at++) == '}') {
                    return map;
                }
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            at++;
            skipSpace();
            if (text.charAt(at) == ']') {
                at++;
                return list;
            }
            for (;;) {
                list.add(value());
                skipSpace();
                if (text.charAt(at++) == ']') {
                    return list;
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            for (char c = text.charAt(at++); c != '"'; c = text.charAt(at++)) {
                if (c == '\\') {
                    char e = text.charAt(at++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'u' -> {
                            sb.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                            at += 4;
                        }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
            return sb.toString();
        }

        private Object literal() {
            for (String word : List.of("true", "false", "null")) {
                if (text.startsWith(word, at)) {
                    at += word.length();
                    return word.equals("null") ? null : Boolean.valueOf(word);
                }
            }
            throw new IllegalArgumentException("bad JSON at " + at);
        }

        private Object number() {
            int start = at;
            while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
            if (start == at) {
                // JMH writes "NaN" as a string, but be lenient about bare words.
                throw new IllegalArgumentException("bad JSON at " + at);
            }
            return Double.valueOf(text.substring(start, at));
        }

        private void expect(char c) {
            if (text.charAt(at++) != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + (at - 1));
            }
        }

        private void skipSpace() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }
    }
}
