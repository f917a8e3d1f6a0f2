package dev.spindle.perf.http;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What allocates per request, from a recording {@link HttpAllocationBenchmark} made with
 * {@code -Dspindle.alloc.jfr=DIR}: the weights of {@code jdk.ObjectAllocationSample} (bytes the
 * thread allocated since its previous sample, an unbiased estimate in sum) per thread, per class
 * and per allocation site, divided by the requests recorded ({@code .ops} beside the file), less
 * each platform thread's first sample (it weighs what the thread allocated before). The
 * site is the first frame of Spindle's code ({@code dev.spindle.*}) in the stack, with the frame
 * where the allocation happened (often in the JDK) beside it.
 * For {@link HttpsAllocationBenchmark}'s recordings, the bytes by thread are also split by whether
 * the JDK's TLS engine made them (a {@code sun.security.ssl}, JCE or {@code javax.net.ssl} frame on
 * the stack) or the code around it.
 * Run: {@code java -cp perf/target/benchmarks.jar dev.spindle.perf.http.JfrAllocationSites FILE.jfr [rows]}
 */
public final class JfrAllocationSites {

    private JfrAllocationSites() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        String name = file.getFileName().toString();
        Path opsFile = file.resolveSibling(name.substring(0, name.length() - 4) + ".ops");
        double requests = Files.exists(opsFile) ? Long.parseLong(Files.readString(opsFile).trim()) : 1;
        Map<String, Long> byThread = new HashMap<>();
        Map<String, Long> byClass = new HashMap<>();
        Map<String, Long> bySite = new HashMap<>();
        Map<String, Long> byLayer = new HashMap<>();
        long total = 0;
        long samples = 0;
        List<RecordedEvent> events = new ArrayList<>(RecordingFile.readAllEvents(file));
        events.removeIf(event -> !event.getEventType().getName().equals("jdk.ObjectAllocationSample"));
        events.sort(Comparator.comparing(RecordedEvent::getStartTime));
        Set<Long> seen = new HashSet<>();
        for (RecordedEvent event : events) {
            // A platform thread's first sample weighs everything it allocated since it started,
            // before the recording too (the io loop's warm-up, say): drop it. Not a virtual
            // thread's: the weight is counted on its carrier (since the carrier's last sample), and
            // an actor's virtual thread often lives for one sample.
            RecordedThread thread = event.getThread();
            if (thread != null && !thread.isVirtual() && seen.add(thread.getId())) {
                continue;
            }
            long weight = event.getLong("weight");
            String type = event.getClass("objectClass").getName();
            total += weight;
            samples++;
            byThread.merge(threadKind(event.getThread()), weight, Long::sum);
            byClass.merge(type, weight, Long::sum);
            bySite.merge(type + "  at " + site(event.getStackTrace()), weight, Long::sum);
            byLayer.merge(threadKind(event.getThread()) + ", " + layer(event.getStackTrace()), weight, Long::sum);
        }
        System.out.printf(Locale.ROOT, "%s: %d samples, %.0f requests, %.1f bytes per request in all%n",
                file, samples, requests, total / requests);
        print("by thread", byThread, total, requests, rows);
        print("by thread and layer (inside the TLS engine: a JSSE or JCE frame on the stack)", byLayer, total, requests, rows);
        print("by class", byClass, total, requests, rows);
        print("by class and site (first dev.spindle frame <- frame that allocated)", bySite, total, requests, rows);
    }

    private static void print(String title, Map<String, Long> weights, long total, double requests, int rows) {
        System.out.println();
        System.out.println("| " + title + " | B/request | share |");
        System.out.println("| --- | ---: | ---: |");
        weights.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(rows)
                .forEach(e -> System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f%% |%n",
                        e.getKey(), e.getValue() / requests, 100.0 * e.getValue() / total));
    }

    private static String threadKind(RecordedThread thread) {
        if (thread == null) {
            return "(none)";
        }
        String name = thread.getJavaName() == null ? thread.getOSName() : thread.getJavaName();
        String kind = name == null ? "?" : name.replaceAll("\\d+", "N");
        return thread.isVirtual() ? "virtual: " + kind : "platform: " + kind;
    }

    /** {@return whether the JDK's TLS engine or its ciphers made the allocation, or something around them} */
    private static String layer(RecordedStackTrace stack) {
        if (stack == null) {
            return "(no stack)";
        }
        for (RecordedFrame frame : stack.getFrames()) {
            String type = frame.isJavaFrame() ? frame.getMethod().getType().getName() : "";
            if (type.startsWith("sun.security.ssl.") || type.startsWith("com.sun.crypto.provider.")
                    || type.startsWith("javax.crypto.") || type.startsWith("javax.net.ssl.")) {
                return "inside the TLS engine";
            }
        }
        return "outside the TLS engine";
    }

    private static String site(RecordedStackTrace stack) {
        if (stack == null || stack.getFrames().isEmpty()) {
            return "(no stack)";
        }
        List<RecordedFrame> frames = stack.getFrames();
        String top = frame(frames.getFirst());
        for (RecordedFrame frame : frames) {
            if (frame.isJavaFrame() && frame.getMethod().getType().getName().startsWith("dev.spindle.")) {
                String own = frame(frame);
                return own.equals(top) ? own : own + " <- " + top;
            }
        }
        return top;
    }

    private static String frame(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName() + ":" + frame.getLineNumber();
    }
}
