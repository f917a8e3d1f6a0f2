package dev.spindle.io.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class WarningRateTest {

    private static final long TEN_SECONDS = TimeUnit.SECONDS.toNanos(10);

    @Test
    void shouldLetTheFirstOccurrenceWarnThenOnePerIntervalWithHowManySinceTheLast() {
        WarningRate rate = new WarningRate(TEN_SECONDS);
        long start = 1_000;
        assertThat(rate.occurred(start)).as("the first warns, alone").isEqualTo(1);
        for (int i = 1; i <= 19; i++) {
            assertThat(rate.occurred(start + i * 50_000_000L)).as("within the interval: counted, not told").isZero();
        }
        assertThat(rate.occurred(start + TEN_SECONDS)).as("the interval over: told with the 19 before it").isEqualTo(20);
        assertThat(rate.occurred(start + TEN_SECONDS + 1)).isZero();
        assertThat(rate.occurred(start + 3 * TEN_SECONDS)).as("a quiet spell: the next one warns at once").isEqualTo(2);
    }

    @Test
    void shouldWarnAtTheStartOfTheClockToo() {
        WarningRate rate = new WarningRate(TEN_SECONDS);
        assertThat(rate.occurred(Long.MIN_VALUE + 5)).isEqualTo(1); // nanoTime may be any value, negative too
        assertThat(rate.occurred(Long.MIN_VALUE + 6)).isZero();
    }

    @Test
    void shouldAccountForEveryOccurrenceAcrossThreadsAndWarnOncePerInterval() throws Exception {
        WarningRate rate = new WarningRate(TEN_SECONDS);
        int threads = 4;
        int each = 50_000;
        AtomicLong told = new AtomicLong();
        AtomicLong warnings = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < each; i++) {
                    long n = rate.occurred(0); // all in one instant: exactly one warning
                    if (n > 0) {
                        warnings.incrementAndGet();
                        told.addAndGet(n);
                    }
                }
            });
        }
        go.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        assertThat(warnings.get()).isEqualTo(1);
        assertThat(told.get() + rate.occurred(TEN_SECONDS)).as("every occurrence told once, the rest at the next warning")
                .isEqualTo((long) threads * each + 1);
    }
}
