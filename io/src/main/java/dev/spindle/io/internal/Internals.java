package dev.spindle.io.internal;

import dev.spindle.io.Io;

import java.util.function.Function;

/** What the API packages of this module share without making it public API: set once by {@link Io}. */
public final class Internals {

    private static volatile Function<Io, IoRuntime> runtimes;

    private Internals() {
    }

    public static void setRuntimeAccess(Function<Io, IoRuntime> access) {
        runtimes = access;
    }

    public static IoRuntime runtime(Io io) {
        return runtimes.apply(io);
    }
}
