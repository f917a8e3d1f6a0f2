package dev.spindle.stress;

import dev.spindle.mailbox.DeadLetterSink;
import dev.spindle.mailbox.DropReason;
import dev.spindle.mailbox.Mailbox;
import dev.spindle.mailbox.Offer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLLL_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Closing races an offer: the message is handled or dead-lettered exactly once, and the mailbox
 * ends closed and not held.
 *
 * <p>The holder drains, then closes; meanwhile a producer offers M (the mailbox's third offer: it
 * wraps the ring and links a chunk). A counting sink records each dead letter and whether the
 * producer's thread or the holder's delivered it.
 *
 * <p>Result: r1 the producer's {@link Offer}; r2 how many times M was handled; r3 M's dead letters,
 * one letter each, P by the producer's thread, H by the holder's, - for none; r4 the mailbox at the
 * end: closed (and not held), held, or open.
 */
@Description("Close races an offer: the message is handled or dead-lettered exactly once; the mailbox ends closed, not held.")
@Outcome(id = "ENQUEUED, 1, -, closed", expect = ACCEPTABLE, desc = "M arrived before the drain's last look: handled before the close.")
@Outcome(id = "ENQUEUED, 0, H, closed", expect = ACCEPTABLE, desc = "M arrived after the drain; close() dead-lettered it.")
@Outcome(id = "ENQUEUED, 0, P, closed", expect = ACCEPTABLE_INTERESTING,
        desc = "M arrived as close() let go; the producer took the closed mailbox and dead-lettered it.")
@Outcome(id = "CLOSED, 0, P, closed", expect = ACCEPTABLE, desc = "The producer saw the mailbox closed and dead-lettered M itself.")
@Outcome(id = "SCHEDULE, .*", expect = FORBIDDEN, desc = "The producer was told to schedule a mailbox that was held, then closed.")
@Outcome(id = ".*, 0, -, .*", expect = FORBIDDEN, desc = "M lost: neither handled nor dead-lettered.")
@Outcome(id = ".*, 1, [HP?]+, .*", expect = FORBIDDEN, desc = "M both handled and dead-lettered.")
@Outcome(id = ".*, 0, [HP?][HP?]+, .*", expect = FORBIDDEN, desc = "M dead-lettered twice.")
@Outcome(id = {".*, held", ".*, open"}, expect = FORBIDDEN, desc = "The mailbox ended held, or not closed.")
@Outcome(expect = FORBIDDEN, desc = "Anything else: handled twice, or dead-lettered for a reason other than CLOSED (?).")
public abstract class CloseRace implements DeadLetterSink<String, String> {

    private static final String M = "M";

    private final Mailbox<String, String> mailbox;
    private final boolean systemLane;
    private final Recorder handled = new Recorder();
    /**
     * The producer actor's thread. The holder's thread may read it before the producer wrote it:
     * benign, since null and the producer's thread both differ from the holder's own.
     */
    private Thread producer;
    /** Each counter is written only by its own thread, as the sink runs on the thread that drops. */
    private int droppedByProducer;
    private int droppedByHolder;
    private boolean wrongReason;

    CloseRace(MailboxKind kind, boolean systemLane) {
        this.mailbox = kind.createHeld(this, "F", 2);
        this.systemLane = systemLane;
    }

    final void hold() {
        mailbox.drain(handled, Integer.MAX_VALUE);
        mailbox.close();
    }

    final void produce(LLLL_Result r) {
        producer = Thread.currentThread();
        r.r1 = (systemLane ? mailbox.offerSystem(M) : mailbox.offer(M)).name();
    }

    final void check(LLLL_Result r) {
        r.r2 = handled.count(M);
        String dropped = "P".repeat(droppedByProducer) + "H".repeat(droppedByHolder) + (wrongReason ? "?" : "");
        r.r3 = dropped.isEmpty() ? "-" : dropped;
        r.r4 = mailbox.isScheduled() ? "held" : mailbox.isClosed() ? "closed" : "open";
    }

    @Override
    public final void onDropped(String message, DropReason reason) {
        wrongReason |= reason != DropReason.CLOSED;
        onSystemDropped(message);
    }

    @Override
    public final void onSystemDropped(String message) {
        if (Thread.currentThread() == producer) {
            droppedByProducer++;
        } else {
            droppedByHolder++;
        }
    }

    @JCStressTest
    @State
    public static class Ring extends CloseRace {
        public Ring() {
            super(MailboxKind.RING, false);
        }

        @Actor
        public void holder() {
            hold();
        }

        @Actor
        public void producer(LLLL_Result r) {
            produce(r);
        }

        @Arbiter
        public void arbiter(LLLL_Result r) {
            check(r);
        }
    }

    @JCStressTest
    @State
    public static class Chunked extends CloseRace {
        public Chunked() {
            super(MailboxKind.CHUNKED, false);
        }

        @Actor
        public void holder() {
            hold();
        }

        @Actor
        public void producer(LLLL_Result r) {
            produce(r);
        }

        @Arbiter
        public void arbiter(LLLL_Result r) {
            check(r);
        }
    }

    @JCStressTest
    @State
    public static class Bounded extends CloseRace {
        public Bounded() {
            super(MailboxKind.BOUNDED, false);
        }

        @Actor
        public void holder() {
            hold();
        }

        @Actor
        public void producer(LLLL_Result r) {
            produce(r);
        }

        @Arbiter
        public void arbiter(LLLL_Result r) {
            check(r);
        }
    }

    /** M on the system lane, dead-lettered through onSystemDropped; one kind covers the shared lane. */
    @JCStressTest
    @State
    public static class SystemLane extends CloseRace {
        public SystemLane() {
            super(MailboxKind.CHUNKED, true);
        }

        @Actor
        public void holder() {
            hold();
        }

        @Actor
        public void producer(LLLL_Result r) {
            produce(r);
        }

        @Arbiter
        public void arbiter(LLLL_Result r) {
            check(r);
        }
    }
}
