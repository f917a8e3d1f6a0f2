package dev.spindle.io;

import java.io.IOException;

/**
 * Immutable. What a child process tells the actor that spawned it: {@link Started}, its output in
 * chunks as it comes, then {@link Exited} last, after every chunk of both streams (or
 * {@link SpawnFailed} alone).
 */
public sealed interface ProcessEvent {

    record Started(ChildProcess process) implements ProcessEvent {
    }

    record Stdout(ChildProcess process, byte[] data) implements ProcessEvent {
    }

    record Stderr(ChildProcess process, byte[] data) implements ProcessEvent {
    }

    /**
     * A {@link ChildProcess#write} had returned {@code false} (the child's input queue reached its
     * high-water mark) and the queue has now fallen to the low-water mark: write again.
     */
    record StdinDrained(ChildProcess process) implements ProcessEvent {
    }

    /**
     * The child ended. {@code signal} names the signal that ended it ({@code "TERM"}, {@code "KILL"},
     * ...), or is null if it exited; {@code timedOut} says whether Spindle sent it SIGTERM because
     * its {@link ProcessSpec#timeout()} passed.
     */
    record Exited(ChildProcess process, int code, String signal, boolean timedOut) implements ProcessEvent {
    }

    /** The program could not be started (not found, not executable, bad directory). */
    record SpawnFailed(ProcessSpec spec, IOException cause) implements ProcessEvent {
    }
}
