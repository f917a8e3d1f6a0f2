package dev.spindle.io.internal;

import dev.spindle.io.Io;

import java.util.function.Function;

/** What the API packages of this module share without making it public API: set once by {@link Io}. */
public final class Internals {

    private static volatile Function<Io, IoRuntime> runtimes;
    private static volatile Function<Object, TlsCounters> tlsCounters;

    private Internals() {
    }

    public static void setRuntimeAccess(Function<Io, IoRuntime> access) {
        runtimes = access;
    }

    public static IoRuntime runtime(Io io) {
        return runtimes.apply(io);
    }

    /** Set by the TLS contexts' classes: how to reach a context's counters. */
    public static void setTlsCounterAccess(Function<Object, TlsCounters> access) {
        tlsCounters = access;
    }

    /** {@return the counters of a {@code TlsServerContext} or {@code TlsClientContext}} */
    public static TlsCounters tlsCounters(Object context) {
        return tlsCounters.apply(context);
    }
}
