package dev.spindle.cluster.internal;

import dev.spindle.cluster.ClusterConfig;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * How a worker JVM is started: the primary's own {@code java}, its JVM flags (less those that tie
 * it to a module layout or a debugger port), the config's extra flags,
 * {@code -XX:+ExitOnOutOfMemoryError} unless an out-of-memory policy is given, everything the primary had
 * on its class path and module path as one class path, then the main class and arguments.
 */
final class Launch {

    /** Flags that take the next argument as their value, and are not passed on (a module layout). */
    private static final Set<String> DROPPED_WITH_VALUE = Set.of("--module-path", "-p", "--upgrade-module-path",
            "--add-modules", "--patch-module", "--add-reads", "--limit-modules", "-m", "--module", "-cp",
            "-classpath", "--class-path");

    private Launch() {
    }

    static List<String> command(ClusterConfig config) {
        List<String> command = new ArrayList<>();
        // No setsid(1) in front: when its caller leads a process group it forks, and its parent,
        // the process the primary watches, exits 0 at once. The worker calls setsid(2) itself as
        // it joins (WorkerImpl), so the pid is java's whatever happens, and no binary is needed.
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments();
        command.addAll(jvmFlags(flags));
        command.addAll(config.extraJvmArgs());
        if (command.stream().noneMatch(f -> f.startsWith("--enable-native-access=") && f.contains("ALL-UNNAMED"))) {
            // a round-robin address (the cluster's policy, or one listen's) passes the shared
            // socket's descriptor through FFM calls (Native); the primary itself never makes them
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        if (command.stream().noneMatch(f -> f.contains("OnOutOfMemoryError"))) {
            // A JVM out of memory keeps running, broken, unless told otherwise: a worker exits
            // (code 3) and is restarted instead.
            command.add("-XX:+ExitOnOutOfMemoryError");
        }
        command.add("-cp");
        command.add(classPath(flags));
        if (config.workerMain() != null) {
            command.add(config.workerMain());
            command.addAll(config.workerArgs() == null ? List.of() : config.workerArgs());
        } else {
            command.addAll(primaryMain());
        }
        return command;
    }

    /** {@return the primary's JVM flags that a worker should have too} */
    static List<String> jvmFlags(List<String> flags) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < flags.size(); i++) {
            String flag = flags.get(i);
            String name = flag.contains("=") ? flag.substring(0, flag.indexOf('=')) : flag;
            if (DROPPED_WITH_VALUE.contains(flag)) {
                i++; // and its value
            } else if (DROPPED_WITH_VALUE.contains(name) || flag.startsWith("-agentlib:jdwp")
                    || flag.startsWith("-Djdk.module.") || flag.startsWith("-Djava.class.path")
                    || (flag.startsWith("--add-opens=") || flag.startsWith("--add-exports="))
                    && !forUnnamedFromTheJdk(flag.substring(flag.indexOf('=') + 1))) {
                continue;
            } else if (flag.startsWith("--enable-native-access=")) {
                // the application's modules are no modules in a worker (all on the class path)
                List<String> modules = new ArrayList<>();
                for (String module : flag.substring("--enable-native-access=".length()).split(",")) {
                    if (module.equals("ALL-UNNAMED") || module.startsWith("java.") || module.startsWith("jdk.")) {
                        modules.add(module);
                    }
                }
                if (!modules.isEmpty()) {
                    kept.add("--enable-native-access=" + String.join(",", modules));
                }
            } else if (flag.equals("--add-opens") || flag.equals("--add-exports")) {
                if (i + 1 < flags.size() && forUnnamedFromTheJdk(flags.get(i + 1))) {
                    kept.add(flag);
                    kept.add(flags.get(i + 1));
                }
                i++;
            } else {
                kept.add(flag);
            }
        }
        return kept;
    }

    /**
     * {@return whether {@code value} of an {@code --add-opens} or {@code --add-exports} opens a JDK
     * module to the class path} The worker runs everything on the class path, where the
     * application's own modules do not exist (the JVM would warn of an unknown module).
     */
    private static boolean forUnnamedFromTheJdk(String value) {
        return (value.startsWith("java.") || value.startsWith("jdk.")) && value.endsWith("=ALL-UNNAMED");
    }

    /**
     * {@return the primary's class path and module path, as one class path} Directories patched
     * into a module ({@code --patch-module m=dir}, as test runners do) go first.
     */
    static String classPath(List<String> flags) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < flags.size(); i++) {
            String flag = flags.get(i);
            String value = flag.startsWith("--patch-module=") ? flag.substring("--patch-module=".length())
                    : flag.equals("--patch-module") && i + 1 < flags.size() ? flags.get(i + 1) : null;
            if (value != null && value.contains("=")) {
                entries.addAll(Arrays.asList(value.substring(value.indexOf('=') + 1).split(File.pathSeparator)));
            }
        }
        for (String property : List.of("java.class.path", "jdk.module.path")) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                entries.addAll(Arrays.asList(value.split(File.pathSeparator)));
            }
        }
        return String.join(File.pathSeparator, entries.stream().distinct().toList());
    }

    /** {@return the primary's main class (or {@code -jar} and its jar) and arguments} */
    private static List<String> primaryMain() {
        String javaCommand = System.getProperty("sun.java.command");
        if (javaCommand == null || javaCommand.isBlank()) {
            throw new IllegalStateException("cannot tell this JVM's main class: set ClusterConfig.withWorkerMain");
        }
        List<String> words = new ArrayList<>(Arrays.asList(javaCommand.split(" ")));
        if (words.getFirst().endsWith(".jar")) {
            words.addFirst("-jar");
        }
        return words;
    }
}
