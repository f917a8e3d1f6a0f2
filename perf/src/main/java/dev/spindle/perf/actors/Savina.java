package dev.spindle.perf.actors;

import java.util.SplittableRandom;

/**
 * What the Savina scenarios share between runtimes, so that both do the same work on the same
 * inputs: the per-message arithmetic, the chameneos' colours, and seeded choices.
 */
final class Savina {

    private Savina() {
    }

    /** Savina's per-message work in the fork-join scenarios: a few square roots. */
    static double work(double x) {
        double v = x;
        for (int i = 0; i < 10; i++) {
            v = Math.sqrt(v + i);
        }
        return v;
    }

    /** A chameneo's colour; two that meet both take {@link #complement} of the pair. */
    enum Color {
        BLUE, RED, YELLOW;

        private static final Color[] VALUES = values();

        /** The same colour if both are alike, else the third one. */
        Color complement(Color other) {
            return this == other ? this : VALUES[3 - ordinal() - other.ordinal()];
        }

        /** Creatures start blue, red, yellow, blue, ... */
        static Color of(int creature) {
            return VALUES[creature % 3];
        }
    }

    /** {@return an index in {@code [0, n)} other than {@code self}} */
    static int other(SplittableRandom random, int n, int self) {
        int i = random.nextInt(n - 1);
        return i >= self ? i + 1 : i;
    }

    /** The banking teller's transfers: seeded, so both runtimes move the same amounts between the same accounts. */
    static SplittableRandom teller() {
        return new SplittableRandom(0x5A71_4AL);
    }
}
