package dev.spindle.perf;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the peers' Node.js programs are, whether run from the repository's root or from {@code perf/}. */
public final class Scripts {

    private Scripts() {
    }

    /** {@return {@code perf/node/<file>}, as a path that exists from here} */
    public static String node(String file) {
        for (Path candidate : new Path[] {Path.of("perf", "node", file), Path.of("node", file)}) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath().toString();
            }
        }
        throw new IllegalStateException("no perf/node/" + file + " from " + Path.of("").toAbsolutePath()
                + ": run from the repository's root");
    }
}
