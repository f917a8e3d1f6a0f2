package dev.spindle.io;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable. What {@link Io#spawn} starts, as Node's {@code child_process.spawn}: an argument
 * vector run directly (no shell, so nothing in an argument is interpreted), an environment added
 * to this process's (or instead of it), a working directory, and an optional timeout after which
 * the child gets SIGTERM.
 *
 * @param command        the program and its arguments
 * @param environment    variables to set in the child
 * @param inheritEnvironment whether the child starts from this process's environment (default yes;
 *                       never with its {@code SPINDLE_CLUSTER_*} variables, which say where this
 *                       process sits in a cluster)
 * @param directory      the working directory, or null for this process's
 * @param timeout        how long the child may run before SIGTERM, or null for no limit
 */
public record ProcessSpec(List<String> command, Map<String, String> environment, boolean inheritEnvironment,
        Path directory, Duration timeout) {

    public ProcessSpec {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least the program");
        }
        if (timeout != null && !timeout.isPositive()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    /** {@return a spec that runs {@code program} with {@code arguments}, no shell} */
    public static ProcessSpec of(String program, String... arguments) {
        List<String> command = new java.util.ArrayList<>();
        command.add(Objects.requireNonNull(program, "program"));
        command.addAll(List.of(arguments));
        return new ProcessSpec(command, Map.of(), true, null, null);
    }

    /** {@return a spec that runs {@code commandLine} through {@code /bin/sh -c}: only when a shell is what you want} */
    public static ProcessSpec shell(String commandLine) {
        return of("/bin/sh", "-c", commandLine);
    }

    public ProcessSpec withEnvironment(Map<String, String> variables) {
        return new ProcessSpec(command, variables, inheritEnvironment, directory, timeout);
    }

    public ProcessSpec withInheritEnvironment(boolean inherit) {
        return new ProcessSpec(command, environment, inherit, directory, timeout);
    }

    public ProcessSpec withDirectory(Path workingDirectory) {
        return new ProcessSpec(command, environment, inheritEnvironment, workingDirectory, timeout);
    }

    public ProcessSpec withTimeout(Duration limit) {
        return new ProcessSpec(command, environment, inheritEnvironment, directory, limit);
    }
}
