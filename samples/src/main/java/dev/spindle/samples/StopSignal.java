package dev.spindle.samples;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Thread-safe. How a sample that serves until it is stopped runs its {@code main}: the body starts
 * what it serves, then {@link #await()}s the stop (Ctrl-C, {@code kill -INT}, {@code kill}: the JVM
 * runs its shutdown hooks), and closes what it started on its way out; the JVM exits (130 after
 * SIGINT, 143 after SIGTERM) once the body has returned.
 *
 * <pre>{@code
 * StopSignal.run(stop -> {
 *     try (ActorSystem system = ActorSystem.create("app"); Io io = Io.create()) {
 *         HttpServer server = HttpServer.listen(io, address, options, router);
 *         stop.await();
 *     }
 * });
 * }</pre>
 *
 * <p>Why not a shutdown hook that counts a latch down in {@code main}: the JVM halts as soon as its
 * hooks return, wherever {@code main} then is (halfway through closing), and a signal that comes
 * before {@code main} adds its hook makes that call throw ({@code Shutdown in progress}), a stack
 * trace on the way out. Here the hook is added before anything starts and holds the exit until the
 * body returns (at most {@link #HOLD}); a body that fails because the JVM was stopping as it
 * started (a library refusing to start then) ends quietly.
 */
public final class StopSignal {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);

    /**
     * The longest the JVM's exit waits for the body to close what it started: a cluster primary
     * gives its workers 10 s to drain ({@code ClusterConfig.shutdownTimeout}), and kills them then.
     */
    static final Duration HOLD = Duration.ofSeconds(20);

    /** What runs until stopped. */
    @FunctionalInterface
    public interface Body {
        /** Starts what it serves, {@link StopSignal#await()}s, closes what it started. */
        void run(StopSignal stop) throws Exception;
    }

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    private StopSignal() {
    }

    /**
     * Runs {@code body} on this thread until it returns; the JVM's shutdown waits for it.
     *
     * @throws Exception what {@code body} threw, unless the JVM was already stopping
     */
    public static void run(Body body) throws Exception {
        StopSignal stop = new StopSignal();
        try {
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("stop-signal").unstarted(stop::holdExit));
        } catch (IllegalStateException stopping) {
            return; // stopped before anything started: nothing to close
        }
        try {
            body.run(stop);
        } catch (Exception e) {
            if (!stop.requested()) {
                throw e;
            }
            LOG.debug("stopped while starting", e);
        } finally {
            stop.finished.countDown();
        }
    }

    /** The shutdown hook: says the stop is asked for, then waits for the body to return. */
    private void holdExit() {
        requested.countDown();
        try {
            if (!finished.await(HOLD.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("still closing after {} s; exiting anyway", HOLD.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Blocks until the JVM is asked to stop. */
    public void await() throws InterruptedException {
        requested.await();
    }

    /** {@return whether the JVM has been asked to stop} */
    public boolean requested() {
        return requested.getCount() == 0;
    }
}
