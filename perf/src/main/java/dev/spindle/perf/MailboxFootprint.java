package dev.spindle.perf;

import dev.spindle.mailbox.DeadLetterSink;
import dev.spindle.mailbox.DropReason;
import dev.spindle.mailbox.MailboxHandler;
import dev.spindle.mailbox.MpscBoundedMailbox;
import dev.spindle.mailbox.MpscChunkedMailbox;
import dev.spindle.mailbox.MpscRingMailbox;
import dev.spindle.mailbox.Offer;
import dev.spindle.mailbox.OverflowPolicy;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.function.Supplier;
import org.jctools.queues.atomic.MpscLinkedAtomicQueue;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

/**
 * Bytes per mailbox: what one more mailbox of each kind costs, not counting anything it shares
 * with every other mailbox (the dead-letter sink, enum constants, lambdas).
 *
 * <p>Two measurements per row. JOL: the objects reachable from one mailbox minus those also
 * reachable from a second, independent one ({@code GraphLayout.subtract}), which leaves exactly
 * the first mailbox's own objects. Heap: the growth of the used heap, after a full GC, when
 * {@code n} mailboxes are kept alive in an array allocated beforehand, divided by {@code n}.
 *
 * <p>The rejected alternative is kept here beside its evidence: an unbounded mailbox on a JCTools
 * unbounded queue would cost the mailbox's own fields plus the empty queue, which JCTools pads
 * against false sharing and (for the array queue) allocates its first chunk for up front.
 *
 * <p>Run: {@code java -cp perf/target/benchmarks.jar dev.spindle.perf.MailboxFootprint}
 */
public final class MailboxFootprint {

    private static final int MAX_INSTANCES = 1_000_000;
    /** Keep each heap measurement under this many bytes of live mailboxes. */
    private static final long HEAP_BUDGET = 256L << 20;

    private MailboxFootprint() {
    }

    public static void main(String[] args) {
        // Before JOL initialises: no dynamic agent attach, which JDK 21+ warns about. JOL then
        // sizes objects from field offsets and array bases; the heap delta below cross-checks
        // every figure. (JOL still starts the Serviceability Agent in a second JVM, briefly, to
        // read the VM's compressed-pointer settings; jol.skipHotspotSAAttach=true would trade
        // that for four more warning lines.)
        System.setProperty("jol.skipDynamicAttach", "true");
        System.setProperty("jol.skipInstallAttach", "true");

        System.out.println("# " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + ", max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MB");
        System.out.print(VM.current().details());
        System.out.println();
        System.out.printf("%-64s %10s %12s%n", "structure", "JOL bytes", "heap bytes");

        row("MpscChunkedMailbox, fresh (never used)", () -> new MpscChunkedMailbox<>(NoSink.INSTANCE));
        row("MpscChunkedMailbox, used once and drained (keeps 1 chunk)", MailboxFootprint::usedChunkedMailbox);
        row("MpscRingMailbox(1024, FAIL), fresh",
                () -> new MpscRingMailbox<>(1024, OverflowPolicy.FAIL, NoSink.INSTANCE));
        row("MpscRingMailbox(32, FAIL), fresh",
                () -> new MpscRingMailbox<>(32, OverflowPolicy.FAIL, NoSink.INSTANCE));
        row("MpscBoundedMailbox(1024, FAIL), fresh",
                () -> new MpscBoundedMailbox<>(1024, OverflowPolicy.FAIL, NoSink.INSTANCE));
        row("MpscBoundedMailbox(32, FAIL), fresh",
                () -> new MpscBoundedMailbox<>(32, OverflowPolicy.FAIL, NoSink.INSTANCE));

        System.out.println();
        System.out.println("# Rejected: an unbounded mailbox on a JCTools unbounded queue");
        row("JCTools MpscUnboundedAtomicArrayQueue(32), empty", () -> new MpscUnboundedAtomicArrayQueue<>(32));
        row("JCTools MpscLinkedAtomicQueue, empty", MpscLinkedAtomicQueue::new);
        row("  mailbox fields + MpscUnboundedAtomicArrayQueue(32)",
                () -> new MailboxShell(new MpscUnboundedAtomicArrayQueue<>(32)));
        row("  mailbox fields + MpscLinkedAtomicQueue", () -> new MailboxShell(new MpscLinkedAtomicQueue<>()));

        if (args.length > 0 && args[0].equals("--layout")) {
            System.out.println();
            System.out.println(ownLayout(() -> new MpscChunkedMailbox<>(NoSink.INSTANCE)).toFootprint());
            System.out.println(ownLayout(MailboxFootprint::usedChunkedMailbox).toFootprint());
            System.out.println(ownLayout(() -> new MpscRingMailbox<>(1024, OverflowPolicy.FAIL, NoSink.INSTANCE))
                    .toFootprint());
            System.out.println(ownLayout(() -> new MpscBoundedMailbox<>(1024, OverflowPolicy.FAIL, NoSink.INSTANCE))
                    .toFootprint());
        }
    }

    private static void row(String label, Supplier<?> factory) {
        long jol = ownBytes(factory);
        int n = (int) Math.max(1_000, Math.min(MAX_INSTANCES, HEAP_BUDGET / jol));
        double heap = heapBytesPerInstance(factory, n);
        System.out.printf("%-64s %10d %12.1f   (heap: n=%d)%n", label, jol, heap, n);
    }

    /** The objects reachable from one instance and not from another: that instance's own. */
    static long ownBytes(Supplier<?> factory) {
        return ownLayout(factory).totalSize();
    }

    private static GraphLayout ownLayout(Supplier<?> factory) {
        Object one = factory.get();
        Object other = factory.get();
        return GraphLayout.parseInstance(one).subtract(GraphLayout.parseInstance(other));
    }

    private static double heapBytesPerInstance(Supplier<?> factory, int n) {
        Object[] keep = new Object[n];
        // Warm up the factory (and anything it initialises once) before the baseline.
        keep[0] = factory.get();
        keep[0] = null;
        long before = usedHeapAfterGc();
        for (int i = 0; i < n; i++) {
            keep[i] = factory.get();
        }
        long after = usedHeapAfterGc();
        double perInstance = (double) (after - before) / n;
        if (keep[n - 1] == null) {
            throw new AssertionError();
        }
        return perInstance;
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        // Repeat until the figure settles: one System.gc() may leave garbage behind.
        for (int i = 0; i < 4; i++) {
            System.gc();
            long now = memory.getHeapMemoryUsage().getUsed();
            if (now == used) {
                break;
            }
            used = now;
        }
        return used;
    }

    /** A chunked mailbox after one message went through it and its consumer went idle. */
    static MpscChunkedMailbox<Object, Object> usedChunkedMailbox() {
        MpscChunkedMailbox<Object, Object> box = new MpscChunkedMailbox<>(NoSink.INSTANCE);
        if (box.offer(Boolean.TRUE) != Offer.SCHEDULE) {
            throw new AssertionError("the first offer schedules");
        }
        if (box.drain(Ignore.INSTANCE, 1) != 1 || !box.tryIdle()) {
            throw new AssertionError("one message in, one out, then idle");
        }
        return box;
    }

    /**
     * The fields AbstractMailbox needs (state, system-lane head and pending list, sink), plus a
     * reference to the user queue: what a mailbox built on a JCTools queue would hold besides it.
     */
    @SuppressWarnings("unused")
    private static final class MailboxShell {
        private int state;
        private Object systemHead;
        private Object systemPending;
        private final Object sink = NoSink.INSTANCE;
        private final Object queue;

        MailboxShell(Object queue) {
            this.queue = queue;
        }
    }

    enum NoSink implements DeadLetterSink<Object, Object> {
        INSTANCE;

        @Override
        public void onDropped(Object message, DropReason reason) {
            throw new AssertionError("dropped " + reason);
        }

        @Override
        public void onSystemDropped(Object message) {
            throw new AssertionError("system message dropped");
        }
    }

    private enum Ignore implements MailboxHandler<Object, Object> {
        INSTANCE;

        @Override
        public boolean onSystemMessage(Object message) {
            return true;
        }

        @Override
        public boolean onMessage(Object message) {
            return true;
        }
    }
}
