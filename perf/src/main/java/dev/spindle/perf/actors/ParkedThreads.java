package dev.spindle.perf.actors;

import java.util.concurrent.CountDownLatch;

/**
 * Is the cost of blocked actors Spindle's, or the JVM's? Parks {@code count} plain threads (no
 * actors) on a latch, then measures Spindle's 8-pair ping-pong, 6 times; compare with
 * {@code ActorBench spindle blocking} (10,000 actors blocked in their handlers) and
 * {@code ActorBench spindle pingpong8} (nothing blocked).
 *
 * <p>Run: {@code java -Xms2g -Xmx2g -cp perf/target/benchmarks.jar dev.spindle.perf.actors.ParkedThreads 10000 [platform]}
 */
public final class ParkedThreads {

    private ParkedThreads() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        boolean platform = args.length > 1 && args[1].equals("platform");
        try (SpindleContender spindle = new SpindleContender()) {
            for (int i = 0; i < 6; i++) {
                CountDownLatch release = new CountDownLatch(1);
                CountDownLatch parked = new CountDownLatch(count);
                Runnable park = () -> {
                    parked.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                };
                for (int t = 0; t < count; t++) {
                    (platform ? Thread.ofPlatform().daemon() : Thread.ofVirtual()).start(park);
                }
                parked.await();
                double rate = spindle.pingPong(8, 250_000);
                release.countDown();
                System.out.printf("%,d parked %s threads: 8-pair ping-pong %.1f M msg/s%n", count,
                        platform ? "platform" : "virtual", rate / 1e6);
            }
        }
        System.exit(0);
    }
}
