package dev.spindle.actors.internal;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
        // Spin until this thread has been given 20 ms of CPU by the JVM's own clock (not 20 ms of
        // wall time: on a loaded machine a spinning thread may get a fraction of a core), then the
        // probe's schedstat must have seen most of it.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long before = self.cpuNanos();
        long jvmBefore = threads.getCurrentThreadCpuTime();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (threads.getCurrentThreadCpuTime() - jvmBefore < TimeUnit.MILLISECONDS.toNanos(20)
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(self.cpuNanos() - before).as("the probe's CPU time of a thread given 20 ms of CPU")
                .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(10));

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
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
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
