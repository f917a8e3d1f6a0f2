package dev.spindle.actors.internal;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link ThreadProbe} on Linux: what the rescuer uses to tell a blocked or computing host from a preempted one. */
class ThreadProbeTest {

    @Test
    void shouldSeeAParkedThreadAsleepAndARunningOneRunAndUseCpu() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self")), "Linux /proc");
        ThreadProbe self = ThreadProbe.ofCurrentThread();
        assertThat(self).isNotNull();
        assertThat(self.state()).isEqualTo('R');
        long before = self.cpuNanos();
        long spinUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        while (System.nanoTime() < spinUntil) {
            Thread.onSpinWait();
        }
        assertThat(self.cpuNanos() - before).as("CPU time of 20 ms of spinning").isGreaterThan(TimeUnit.MILLISECONDS.toNanos(5));

        CompletableFuture<ThreadProbe> probe = new CompletableFuture<>();
        CountDownLatch release = new CountDownLatch(1);
        Thread parked = Thread.ofPlatform().start(() -> {
            probe.complete(ThreadProbe.ofCurrentThread());
            while (release.getCount() > 0) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
        });
        ThreadProbe other = probe.get(10, TimeUnit.SECONDS);
        // Parking takes a moment after the thread starts: look until it sleeps (10 s at most).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        char state;
        while ((state = other.state()) != 'S' && state != 'D' && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        assertThat(state).as("a parked thread sleeps in the kernel").isIn('S', 'D');
        release.countDown();
        LockSupport.unpark(parked);
        parked.join();
    }
}
