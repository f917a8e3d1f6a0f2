package dev.spindle.io.internal;

import dev.spindle.actors.spi.ActorHost;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Thread-safe {@link #execute}; everything else loop-thread only. One selector on one platform
 * thread: it waits for readiness (epoll on Linux), hands each ready key to its channel's
 * {@link Ready} handler, runs the turns of the actors those handlers woke (it is their
 * {@link ActorHost}), runs tasks other threads queued, and fires its timers. Channel code never
 * blocks here: a loop serves every connection it owns, and a blocked loop would freeze them all.
 * An actor's turn may block; then the loop goes on on a new thread (see {@link #run}).
 *
 * <p>Waking the loop: a thread that queues a task wakes the selector only if the loop announced
 * that it is about to block (StoreLoad pair: the loop writes {@code selecting} then re-reads the
 * queue; a producer offers then reads {@code selecting}), so a busy loop is never woken and
 * tasks queued in a burst cost one wake-up.
 */
public final class IoLoop implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(IoLoop.class);

    /** What a selection key's attachment does when its channel is ready. Loop thread only. */
    public interface Ready {
        void onReady(SelectionKey key);
    }

    private final Selector selector;
    private final String name;
    /** The thread that is the loop now: a new one after a hosted turn got stuck (see {@link #run}). */
    private volatile Thread owner;
    /** Threads the loop has had; names the next. Written by whoever starts one (see {@link #takeOver}). */
    private volatile int generations;
    private final MpscUnboundedAtomicArrayQueue<Runnable> tasks = new MpscUnboundedAtomicArrayQueue<>(256);
    private final PriorityQueue<LoopTimer> timers = new PriorityQueue<>();
    /**
     * Made once: a {@code this::onSelected} at each select call was a new object per select
     * (16 bytes, about one per request at low concurrency; perf/README.md "Allocation per request").
     */
    private final Consumer<SelectionKey> onSelected = this::onSelected;
    /** The loop's one read buffer: every read on this loop lands here first. */
    private final ByteBuffer readBuffer;
    /** The loop's gathering-write array: a flush fills it, writes, and clears it. */
    private final ByteBuffer[] gather = new ByteBuffer[64];
    /** The TLS buffers of this loop's connections, made when the first one needs them. */
    private TlsBuffers tlsBuffers;
    /** The buffers this loop's connections with pooled reads lend out. */
    private final BufferPool buffers = new BufferPool(this);
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    /** Errors survived; written by the loop's thread only, read by any. */
    private volatile long failures;
    /** Hosted turns that held the loop until a new thread took it over (counted by the rescuer). */
    private final java.util.concurrent.atomic.AtomicLong takeovers = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean selecting;
    private volatile boolean closing;
    private long timerSequence;
    /**
     * A loop driven by hand, for tests of the in-memory transport: no thread of its own (the test's
     * thread is the loop), a clock the test moves, and work meant for other threads run inline.
     */
    private final boolean manual;
    /** The manual loop's clock, in nanoseconds; moved only by {@link #advanceClock}. */
    private long manualNanos;

    IoLoop(String name, int readBufferSize) throws IOException {
        this(name, readBufferSize, false);
    }

    private IoLoop(String name, int readBufferSize, boolean manual) throws IOException {
        this.selector = Selector.open();
        this.readBuffer = ByteBuffer.allocateDirect(readBufferSize);
        this.name = name;
        this.manual = manual;
        if (manual) {
            owner = Thread.currentThread();
        }
    }

    /**
     * {@return a loop driven by hand on the calling thread} For tests: nothing runs until the test
     * calls {@link #runDue()}; timers fire by {@link #advanceClock}; {@link #offload} runs its work
     * at the next {@code runDue}, on this thread, so a test sees the same order every time.
     */
    public static IoLoop manual(String name) {
        try {
            return new IoLoop(name, 64 * 1024, true);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Manual loops: runs the queued tasks and the timers that are due, until none is left. {@return whether any ran} */
    public boolean runDue() {
        assert manual && inLoop();
        boolean ran = false;
        while (!tasks.isEmpty() || dueTimer()) {
            runTasks();
            runTimers();
            ran = true;
        }
        return ran;
    }

    private boolean dueTimer() {
        LoopTimer next = timers.peek();
        return next != null && next.deadline - now() <= 0;
    }

    /** Manual loops: moves the clock on by {@code nanos} and runs what became due. */
    public void advanceClock(long nanos) {
        assert manual && inLoop();
        manualNanos += nanos;
        runDue();
    }

    /** {@return the loop's clock: {@link System#nanoTime()}, or a manual loop's} */
    long now() {
        return manual ? manualNanos : System.nanoTime();
    }

    /**
     * Runs {@code work} off the loop (it may block or compute): on a virtual thread, as
     * {@code limiter} allows; on a manual loop, inline at the next {@link #runDue()}. The work hands its result back with
     * {@link #execute}.
     */
    void offload(Runnable work, String threadName, OffloadLimiter limiter) {
        if (manual) {
            tasks.offer(work);
        } else {
            limiter.submit(work, threadName);
        }
    }

    /** Starts the loop's thread; again, from the rescuer, when a stuck hosted turn holds the current one. */
    void start() {
        int generation = generations++;
        Thread thread = Thread.ofPlatform().name(generation == 0 ? name : name + "." + generation).daemon()
                .unstarted(this::run);
        owner = thread;
        thread.start();
    }

    /** {@return how many errors this loop has survived} */
    long failures() {
        return failures;
    }

    /** {@return how many times a hosted turn held this loop until a new thread took it over} */
    long takeovers() {
        return takeovers.get();
    }

    /** {@return whether the caller is this loop's thread} */
    public boolean inLoop() {
        return Thread.currentThread() == owner;
    }

    /** Runs {@code task} on the loop thread, soon; from the loop itself, after the current work. */
    @Override
    public void execute(Runnable task) {
        tasks.offer(task);
        if (selecting) {
            selecting = false;
            selector.wakeup();
        }
    }

    /** Loop thread only. {@return the read buffer, cleared} */
    public ByteBuffer readBuffer() {
        assert inLoop();
        return readBuffer.clear();
    }

    /** Loop thread only. {@return the loop's TLS buffers} */
    TlsBuffers tlsBuffers() {
        assert inLoop();
        if (tlsBuffers == null) {
            tlsBuffers = new TlsBuffers();
        }
        return tlsBuffers;
    }

    /** Loop thread only. {@return the array a gathering write fills; empty between uses} */
    ByteBuffer[] gather() {
        assert inLoop();
        return gather;
    }

    /** {@return the pool of the buffers lent by pooled reads; {@link BufferPool#take()} is loop-thread only} */
    BufferPool buffers() {
        return buffers;
    }

    /**
     * Cancels {@code key} (if there is one) and closes {@code channel}: what every channel does as
     * it closes. A failure to close is not reported: the socket is gone either way.
     */
    public static void release(SelectionKey key, java.nio.channels.Channel channel) {
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing: nothing more to do with it.
        }
    }

    /** Loop thread only. Registers {@code channel} for {@code ops} with {@code handler} as the key's attachment. */
    public SelectionKey register(SelectableChannel channel, int ops, Ready handler) throws IOException {
        assert inLoop();
        return channel.register(selector, ops, handler);
    }

    /** Loop thread only. Runs {@code action} on the loop after {@code delayNanos}; cancel with {@link LoopTimer#cancel()}. */
    public LoopTimer schedule(long delayNanos, Runnable action) {
        assert inLoop();
        LoopTimer timer = new LoopTimer(now() + delayNanos, timerSequence++, action);
        timers.add(timer);
        return timer;
    }

    /**
     * The loop, on its thread, as an {@link ActorHost}: actors its channels wake (a route actor
     * told a request, a connection's owner told what it read) run their turns here after the
     * select that woke them, and what they answer is written by the tasks that follow, with no
     * thread in between. If a hosted turn blocks or computes for more than a few milliseconds,
     * {@link #takeOver} gives the loop to a new thread; this one finishes that turn and ends.
     */
    private void run() {
        ActorHost host = ActorHost.create(this::takeOver);
        host.run(() -> runAsHost(host));
    }

    private void runAsHost(ActorHost host) {
        int failedInARow = 0;
        while (!closing) {
            try {
                select(host);
                if (!host.runHosted()) {
                    return; // another thread is the loop now; nothing here is ours any more
                }
                runTasks();
                runTimers();
                failedInARow = 0;
            } catch (ClosedSelectorException gone) {
                break;
            } catch (Throwable failure) {
                if (Thread.currentThread() != owner) {
                    return; // the loop went on on a new thread meanwhile: nothing here is ours
                }
                // Nothing here is the loop's own state half-changed: each channel, task and timer
                // catches its own failures below. What reaches here came from the selector or the
                // host; the loop survives it rather than leave a process that serves nobody, and
                // backs off if it fails again and again (a broken selector), instead of spinning.
                survived(failure, "the loop's own work");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(1_000, 1L << Math.min(10, failedInARow++))));
            }
        }
        runTasks();
        closeAll();
        host.release();
        terminated.complete(null);
    }

    /**
     * A hosted turn on the loop is stuck (the rescuer's thread): the loop goes on on a new thread.
     * {@code stuck} names the actor, says whether it blocked or computed and for how long, and where.
     */
    private void takeOver(String stuck) {
        takeovers.incrementAndGet();
        // Blocking in a handler is allowed: said at info, once per strike (the actor is then off the loop a while).
        LOG.info("io loop {}: {} while running on the loop, which served no other connection meanwhile. The loop goes on "
                + "on a new thread, and that actor runs on threads of its own for a while (1 s, doubling at each strike). "
                + "If it computes, move the work to ctx.offload(...) (a virtual thread; the result comes back as a message); "
                + "if it blocks, that is allowed, at this cost to the loop each time it is hosted again", name, stuck);
        start();
    }

    private void select(ActorHost host) throws IOException {
        if (!tasks.isEmpty() || host.hasHosted()) {
            selector.selectNow(onSelected);
            return;
        }
        long timeoutMillis = 0;
        LoopTimer next = timers.peek();
        if (next != null) {
            long nanos = next.deadline - System.nanoTime();
            if (nanos <= 0) {
                selector.selectNow(onSelected);
                return;
            }
            timeoutMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
        }
        selecting = true;
        // StoreLoad: announce before the last look at the queue (both volatile).
        if (tasks.isEmpty() && !closing) {
            selector.select(onSelected, timeoutMillis);
        } else {
            selector.selectNow(onSelected);
        }
        selecting = false;
    }

    private void onSelected(SelectionKey key) {
        try {
            ((Ready) key.attachment()).onReady(key);
        } catch (Throwable failure) {
            // A bug in one channel's handling, or an Error such as OutOfMemoryError while it grew a
            // buffer: that channel is closed (what it held is freed), the others are served on.
            survived(failure, "a channel's handler");
            try {
                if (key.attachment() instanceof Closeable closeable) {
                    closeable.closeOnFailure(failure);
                } else {
                    release(key, key.channel());
                }
            } catch (Throwable again) {
                release(key, key.channel());
            }
        }
    }

    /**
     * Loop thread only. Counts and logs a failure the loop survives (its channels' code reports
     * theirs here too). Logging may itself fail (out of memory): the count is kept first, and a
     * failed log is not a second failure.
     */
    public void survived(Throwable failure, String where) {
        assert inLoop();
        failures++; // the loop's thread is the only writer
        try {
            LOG.error("io loop {}: {} failed; the loop goes on ({} failures survived)", name, where, failures, failure);
        } catch (Throwable unloggable) {
            // Nothing left to say it with.
        }
    }

    private void runTasks() {
        for (Runnable task; (task = tasks.poll()) != null; ) {
            try {
                task.run();
            } catch (Throwable failure) {
                survived(failure, "a task");
            }
        }
    }

    private void runTimers() {
        long now = now();
        for (LoopTimer timer; (timer = timers.peek()) != null && timer.deadline - now <= 0; ) {
            timers.poll();
            if (!timer.cancelled) {
                try {
                    timer.action.run();
                } catch (Throwable failure) {
                    survived(failure, "a timer");
                }
            }
        }
    }

    private void closeAll() {
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof Closeable closeable) {
                closeable.closeOnShutdown();
            } else {
                try {
                    key.channel().close();
                } catch (IOException ignored) {
                    // Shutting down: nothing more to report.
                }
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Channels that want to say goodbye (send their last event) when the loop shuts down or fails them. */
    public interface Closeable {
        void closeOnShutdown();

        /**
         * Handling this channel threw {@code failure} (an exception or an {@link Error}): close it,
         * telling whoever waits on it why. A listener may choose to go on instead.
         */
        default void closeOnFailure(Throwable failure) {
            closeOnShutdown();
        }
    }

    /** Stops the loop: it closes every channel it owns. {@return completes when the loop has ended} */
    CompletableFuture<Void> shutdown() {
        closing = true;
        selector.wakeup();
        return terminated;
    }

    /** Loop-confined. A one-shot timer of the loop. */
    public static final class LoopTimer implements Comparable<LoopTimer> {
        final long deadline;
        private final long sequence;
        final Runnable action;
        boolean cancelled;

        LoopTimer(long deadline, long sequence, Runnable action) {
            this.deadline = deadline;
            this.sequence = sequence;
            this.action = action;
        }

        /** Loop thread only. */
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(LoopTimer other) {
            int byDeadline = Long.compare(deadline - other.deadline, 0);
            return byDeadline != 0 ? byDeadline : Long.compare(sequence, other.sequence);
        }
    }
}
