package dev.spindle.cluster.internal;

import java.util.Map;

/**
 * Immutable. How a process ended: its exit code, or the signal Java's {@link Process} encodes as
 * a code above 128 ({@code 137} is {@code SIGKILL}).
 */
record ExitStatus(int code, String signal) {

    private static final Map<Integer, String> SIGNALS = Map.of(1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 6, "SIGABRT",
            9, "SIGKILL", 11, "SIGSEGV", 13, "SIGPIPE", 14, "SIGALRM", 15, "SIGTERM");

    static ExitStatus of(int code) {
        String signal = code > 128 && code < 128 + 32 ? SIGNALS.getOrDefault(code - 128, "SIG" + (code - 128)) : null;
        return new ExitStatus(code, signal);
    }

    @Override
    public String toString() {
        return signal != null ? signal : "code " + code;
    }
}
