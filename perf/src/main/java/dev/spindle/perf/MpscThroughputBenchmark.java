package dev.spindle.perf;

import com.lmax.disruptor.Sequence;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

/**
 * The one harness every throughput figure comes from: producers offer one message per
 * invocation, one consumer drains up to {@link #BATCH} messages per invocation, and the score that
 * counts is {@code <group>:messages}, the messages the consumer took per microsecond
 * (millions per second). Subclasses only say how to create, offer to and drain one structure.
 *
 * <ul>
 *   <li>{@code p1c1}: one producer, one consumer. {@code p3c1}: three producers, one consumer,
 *       which oversubscribes a 2-core machine (four spinning threads on two cores).</li>
 *   <li>Every producer sends the same pre-allocated {@link #MESSAGE}: no benchmark allocates per
 *       message except where the structure itself does.</li>
 *   <li>A producer that finds a bounded structure full yields and retries the same message; the
 *       retry is not an operation (it is counted apart, as {@code fullRetries}).</li>
 *   <li>An unbounded structure has no "full": left alone, three producers outrun the consumer and
 *       the run measures the garbage collector copying a backlog that grows by millions of messages
 *       a second. So for unbounded structures ({@link #capInFlight}) producers take credits in
 *       blocks of {@link #CREDIT_BLOCK} from a shared counter, and wait (yield, counted as
 *       {@code fullRetries}) while more than {@link #CAPACITY} messages would be in flight, just as
 *       a bounded structure of that capacity would make them. The credit check costs one contended
 *       atomic add per {@link #CREDIT_BLOCK} offers, a handicap the bounded structures do not
 *       carry.</li>
 *   <li>A consumer that finds nothing yields ({@link Thread#yield()}) and tries again on the next
 *       invocation. Yield rather than {@link Thread#onSpinWait()}: with more threads than cores
 *       an empty-handed consumer must give its core to a producer, and the backoff is the same for
 *       every structure.</li>
 *   <li>Each consumer hands every message it takes to the {@link Blackhole}, so no read of a
 *       message can be optimised away, and clears slots the way the structure requires.</li>
 *   <li>A fresh structure per iteration: nothing left over from one iteration skews the next.</li>
 * </ul>
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// Several short forks rather than one long one: on the 2-vCPU VMs we measure on, a run settles
// into a fast or a slow regime for seconds at a time (see README.md), and only more forks sample both.
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
// JMH 1.37 itself calls sun.misc.Unsafe, which JDK 25 warns about unless told to allow it.
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "--sun-misc-unsafe-memory-access=allow"})
public abstract class MpscThroughputBenchmark {

    /** Capacity of every bounded structure, and the in-flight cap of the unbounded ones. */
    static final int CAPACITY = 1024;
    /** The most messages one drain takes. */
    static final int BATCH = 256;
    /** The one message every producer sends. */
    static final Integer MESSAGE = 42;
    /** How many offers an unbounded structure's producer may make per credit check. */
    static final int CREDIT_BLOCK = 64;

    /** Set by {@link #create()} for unbounded structures: cap the messages in flight. */
    boolean capInFlight;
    /** Credits handed out to producers so far (padded: a Disruptor Sequence). */
    private final Sequence granted = new Sequence(0);
    /** Messages the consumer has taken so far; written by the consumer only. */
    private final Sequence takenSoFar = new Sequence(0);
    /**
     * Stands in for a mailbox's state word when a raw benchmark adds the producer's half of the
     * handshake to a bare structure. Nobody writes it, as with a consumer that keeps hold.
     */
    private volatile int emulatedState;

    /** Creates a fresh, empty structure; the consumer side is ready to drain it. */
    abstract void create();

    /**
     * Producer threads. Offers one message.
     *
     * @return {@code false} if the structure was full and the message was not taken
     */
    abstract boolean offer(Object message);

    /**
     * The consumer thread. Takes up to {@link #BATCH} messages, handing each to {@code bh}.
     *
     * @param consumed where a mailbox counts the times its consumer was handed the mailbox back
     * @return how many messages were taken
     */
    abstract int drain(Blackhole bh, Consumed consumed);

    /** As a mailbox's offer begins: the closed check, a volatile read of the state. */
    final void readStateBeforeOffer() {
        if ((emulatedState & 2) != 0) {
            throw new IllegalStateException("nobody closes");
        }
    }

    /** As AbstractMailbox.afterPublish: StoreLoad, then a volatile read of the state. */
    final void fenceAndReadState() {
        VarHandle.fullFence();
        readState();
    }

    /** A volatile read of the state, with no fence before it. */
    final void readState() {
        if (emulatedState != 0) {
            throw new IllegalStateException("nobody takes hold");
        }
    }

    @Setup(Level.Iteration)
    public void createStructure() {
        capInFlight = false;
        granted.set(0);
        takenSoFar.set(0);
        create();
    }

    /** A producer's unused credits; see {@link #capInFlight}. */
    @State(Scope.Thread)
    public static class Credits {
        int left;

        @Setup(Level.Iteration)
        public void reset() {
            left = 0;
        }
    }

    /**
     * Messages taken by the consumer: the score. And, for mailboxes whose consumer goes idle, how
     * often a producer's {@code SCHEDULE} handed the mailbox back to it (0 everywhere else).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Consumed {
        public long messages;
        public long handoffs;

        @Setup(Level.Iteration)
        public void reset() {
            messages = 0;
            handoffs = 0;
        }
    }

    /** How often producers found a bounded structure full (or the in-flight cap reached). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Refused {
        public long fullRetries;

        @Setup(Level.Iteration)
        public void reset() {
            fullRetries = 0;
        }
    }

    @Benchmark
    @Group("p1c1")
    @GroupThreads(1)
    public void p1c1Offer(Control control, Credits credits, Refused refused) {
        offerUntilTaken(control, credits, refused);
    }

    @Benchmark
    @Group("p1c1")
    @GroupThreads(1)
    public void p1c1Drain(Blackhole bh, Consumed consumed) {
        drainOnce(bh, consumed);
    }

    @Benchmark
    @Group("p3c1")
    @GroupThreads(3)
    public void p3c1Offer(Control control, Credits credits, Refused refused) {
        offerUntilTaken(control, credits, refused);
    }

    @Benchmark
    @Group("p3c1")
    @GroupThreads(1)
    public void p3c1Drain(Blackhole bh, Consumed consumed) {
        drainOnce(bh, consumed);
    }

    private void offerUntilTaken(Control control, Credits credits, Refused refused) {
        if (capInFlight && --credits.left < 0) {
            long mayHaveSent = granted.addAndGet(CREDIT_BLOCK);
            while (mayHaveSent - takenSoFar.get() > CAPACITY) {
                refused.fullRetries++;
                if (control.stopMeasurement) {
                    return;
                }
                Thread.yield();
            }
            credits.left = CREDIT_BLOCK - 1; // this offer spends one
        }
        while (!offer(MESSAGE)) {
            refused.fullRetries++;
            // The consumer may already have stopped at the end of the iteration: do not spin on.
            if (control.stopMeasurement) {
                return;
            }
            Thread.yield();
        }
    }

    private void drainOnce(Blackhole bh, Consumed consumed) {
        int taken = drain(bh, consumed);
        if (taken == 0) {
            Thread.yield();
        } else {
            consumed.messages += taken;
            if (capInFlight) {
                // Release: one ordered store per batch; producers read it only when out of credits.
                takenSoFar.set(takenSoFar.get() + taken);
            }
        }
    }
}
