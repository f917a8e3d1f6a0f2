package dev.spindle.actors;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.fail;

/** Waits for a condition, polling, until a deadline. */
final class Eventually {

    private Eventually() {
    }

    static void until(BooleanSupplier condition) {
        until(Probe.WAIT, condition);
    }

    static void until(Duration within, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("condition not met within " + within);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
