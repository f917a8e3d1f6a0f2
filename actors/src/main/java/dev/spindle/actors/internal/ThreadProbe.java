package dev.spindle.actors.internal;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Immutable; any thread. What Linux says about one thread, from {@code /proc}: whether it sleeps
 * in the kernel (parked, blocked on a lock or in a blocking read) or is runnable, and how long it
 * has run on a CPU. Java's own thread state cannot tell a thread blocked in a native read from one
 * that computes or that the OS has not let run (all {@code RUNNABLE}); this can. Made only where
 * {@code /proc/thread-self} exists.
 */
final class ThreadProbe {

    private final Path stat;
    private final Path schedstat;

    private ThreadProbe(Path task) {
        this.stat = task.resolve("stat");
        this.schedstat = task.resolve("schedstat");
    }

    /** {@return a probe of the calling thread, or null where {@code /proc} cannot give one} */
    static ThreadProbe ofCurrentThread() {
        try {
            Path task = Path.of("/proc").resolve(Files.readSymbolicLink(Path.of("/proc/thread-self")));
            ThreadProbe probe = new ThreadProbe(task);
            return probe.state() != 0 && probe.cpuNanos() >= 0 ? probe : null;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** {@return the thread's state letter ({@code R} runnable, {@code S}/{@code D} asleep in the kernel, ...), or 0 if unknown} */
    char state() {
        try {
            String line = Files.readString(stat, StandardCharsets.US_ASCII);
            // "tid (name) S ...": the name may hold anything, so look after its last ')'.
            int close = line.lastIndexOf(')');
            return close >= 0 && close + 2 < line.length() ? line.charAt(close + 2) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** {@return garbage collections of this JVM so far, all collectors together} */
    static long collections() {
        long total = 0;
        for (GarbageCollectorMXBean collector : Collectors.ALL) {
            total += Math.max(0, collector.getCollectionCount());
        }
        return total;
    }

    /** Loaded on first use: only a rescuer looking at a long hosted turn needs the management beans. */
    private static final class Collectors {
        static final List<GarbageCollectorMXBean> ALL = ManagementFactory.getGarbageCollectorMXBeans();
    }

    /** {@return nanoseconds the thread has run on a CPU, or -1 if unknown} */
    long cpuNanos() {
        try {
            String line = Files.readString(schedstat, StandardCharsets.US_ASCII);
            int space = line.indexOf(' ');
            return Long.parseLong(space < 0 ? line.strip() : line.substring(0, space));
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
