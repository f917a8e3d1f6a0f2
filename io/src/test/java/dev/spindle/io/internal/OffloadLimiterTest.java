package dev.spindle.io.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** At most {@code max} pieces of work at once; the rest start as others end, and all of them run. */
class OffloadLimiterTest {

    @Test
    void shouldRunAtMostMaxAtOnceAndEveryPieceInTheEnd() throws Exception {
        OffloadLimiter limiter = new OffloadLimiter(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Integer> started = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(20);
        for (int i = 0; i < 20; i++) {
            int n = i;
            limiter.submit(() -> {
                started.add(n);
                most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    concurrent.decrementAndGet();
                    done.countDown();
                }
            }, "test-" + i);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (started.size() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(started).hasSize(2);
        assertThat(limiter.running()).isEqualTo(2);
        assertThat(limiter.mostWaiting()).isEqualTo(18);
        release.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(most.get()).isLessThanOrEqualTo(2);
        assertThat(started).as("every piece ran, once").containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, 20).boxed().toList());
        // Not asserted: the order the pieces' bodies begin in. They are started in order, but two
        // started back to back run at once on different carriers (seen: [3, 2, 4, ...]).
    }
}
