package dev.spindle.stress;

import dev.spindle.mailbox.CountingDeadLetterSink;
import dev.spindle.mailbox.Offer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZZZ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The scheduling handshake: no lost wake-up, no double schedule.
 *
 * <p>The consumer holds the mailbox, which has one message, M1, in it. Actor 1, the consumer,
 * drains and calls {@code tryIdle()}; actor 2, a producer, offers M2 (the mailbox's third offer:
 * it wraps the ring and links a chunk). If the consumer's drain did not take M2, exactly one of
 * them must run the consumer next: the producer, told {@code SCHEDULE}, or the consumer, whose
 * {@code tryIdle()} keeps hold. If the drain did take M2, nothing is left: {@code tryIdle()} must
 * let go, and a {@code SCHEDULE} is a spurious, harmless wake-up. The arbiter then does the job of
 * whichever party holds the mailbox (drain until {@code tryIdle()}) and checks the books.
 *
 * <p>Result: r1 the producer got {@code SCHEDULE}; r2 the consumer still holds ({@code tryIdle()}
 * returned {@code false}); r3 the consumer's drain took M2; r4 M1 and M2 were each handled exactly
 * once and the mailbox ended idle.
 */
@Description("Handshake: a consumer going idle races a producer; exactly one of them runs the consumer next.")
@Outcome(id = "true, false, false, true", expect = ACCEPTABLE,
        desc = "The consumer went idle before M2 arrived; the producer schedules it.")
@Outcome(id = "false, true, false, true", expect = ACCEPTABLE,
        desc = "M2 slipped in after the drain; tryIdle() saw it and kept hold.")
@Outcome(id = "false, false, true, true", expect = ACCEPTABLE,
        desc = "The drain took M2; the producer saw the mailbox held; nothing left to do.")
@Outcome(id = "true, false, true, true", expect = ACCEPTABLE_INTERESTING,
        desc = "The drain took M2 and let go before the producer looked: a spurious, harmless SCHEDULE.")
@Outcome(id = "true, true, .*", expect = FORBIDDEN,
        desc = "Double schedule: the producer got SCHEDULE and the consumer kept hold.")
@Outcome(id = "false, false, false, .*", expect = FORBIDDEN,
        desc = "Lost wake-up: M2 is queued, the consumer let go, the producer was not told to schedule.")
@Outcome(expect = FORBIDDEN,
        desc = "M1 or M2 lost or handled twice, tryIdle() kept an empty mailbox, or it ended held.")
public abstract class Handshake {

    private static final String M1 = "M1";
    private static final String M2 = "M2";

    private final HandshakeSubject mailbox;
    private final boolean systemLane;
    private final int m1;
    private final Recorder handled = new Recorder();

    /**
     * @param heldAndEmpty a mailbox held by the caller, empty, that has taken one message before
     * @param systemLane   whether the producer offers M2 on the system lane
     */
    protected Handshake(HandshakeSubject heldAndEmpty, boolean systemLane) {
        this(heldAndEmpty, systemLane, true);
    }

    private Handshake(HandshakeSubject heldAndEmpty, boolean systemLane, boolean withM1) {
        this.mailbox = heldAndEmpty;
        this.systemLane = systemLane;
        this.m1 = withM1 ? 1 : 0;
        if (withM1 && mailbox.offer(M1) != Offer.ENQUEUED) {
            throw new IllegalStateException("the mailbox is not held");
        }
    }

    /** M1, then M2, are the mailbox's 3rd and 4th offers: M2 wraps the ring or links a chunk. */
    Handshake(MailboxKind kind, boolean systemLane) {
        this(kind, systemLane, 1, true);
    }

    /**
     * @param fillers how many messages the mailbox took and handed over before M1
     * @param withM1  whether M1 is offered at all; without it the consumer drains nothing
     */
    Handshake(MailboxKind kind, boolean systemLane, int fillers, boolean withM1) {
        this(HandshakeSubject.of(kind.createHeld(new CountingDeadLetterSink(), "F", fillers)), systemLane,
                withM1);
    }

    protected final void consume(ZZZZ_Result r) {
        mailbox.drain(handled, Integer.MAX_VALUE);
        r.r2 = !mailbox.tryIdle();
    }

    protected final void produce(ZZZZ_Result r) {
        Offer outcome = systemLane ? mailbox.offerSystem(M2) : mailbox.offer(M2);
        r.r1 = outcome == Offer.SCHEDULE;
    }

    protected final void check(ZZZZ_Result r) {
        r.r3 = handled.count(M2) > 0;
        if (r.r1 != r.r2) {
            // Exactly one party holds the mailbox: do its job.
            do {
                mailbox.drain(handled, Integer.MAX_VALUE);
            } while (!mailbox.tryIdle());
        }
        r.r4 = handled.count(M1) == m1 && handled.count(M2) == 1 && !mailbox.isScheduled();
    }

    @JCStressTest
    @State
    public static class Ring extends Handshake {
        public Ring() {
            super(MailboxKind.RING, false);
        }

        @Actor
        public void consumer(ZZZZ_Result r) {
            consume(r);
        }

        @Actor
        public void producer(ZZZZ_Result r) {
            produce(r);
        }

        @Arbiter
        public void arbiter(ZZZZ_Result r) {
            check(r);
        }
    }

    @JCStressTest
    @State
    public static class Chunked extends Handshake {
        public Chunked() {
            super(MailboxKind.CHUNKED, false);
        }

        @Actor
        public void consumer(ZZZZ_Result r) {
            consume(r);
        }

        @Actor
        public void producer(ZZZZ_Result r) {
            produce(r);
        }

        @Arbiter
        public void arbiter(ZZZZ_Result r) {
            check(r);
        }
    }

    @JCStressTest
    @State
    public static class Bounded extends Handshake {
        public Bounded() {
            super(MailboxKind.BOUNDED, false);
        }

        @Actor
        public void consumer(ZZZZ_Result r) {
            consume(r);
        }

        @Actor
        public void producer(ZZZZ_Result r) {
            produce(r);
        }

        @Arbiter
        public void arbiter(ZZZZ_Result r) {
            check(r);
        }
    }

    /** M2 on the system lane; the lane is shared code, so one mailbox kind covers it. */
    @JCStressTest
    @State
    public static class SystemLane extends Handshake {
        public SystemLane() {
            super(MailboxKind.CHUNKED, true);
        }

        @Actor
        public void consumer(ZZZZ_Result r) {
            consume(r);
        }

        @Actor
        public void producer(ZZZZ_Result r) {
            produce(r);
        }

        @Arbiter
        public void arbiter(ZZZZ_Result r) {
            check(r);
        }
    }

    /** M1 and M2 are the ring's first two offers: M2's claim does not wrap. */
    @JCStressTest
    @State
    public static class RingFresh extends Handshake {
        public RingFresh() {
            super(MailboxKind.RING, false, 0, true);
        }

        @Actor
        public void consumer(ZZZZ_Result r) {
            consume(r);
        }

        @Actor
        public void producer(ZZZZ_Result r) {
            produce(r);
        }

        @Arbiter
        public void arbiter(ZZZZ_Result r) {
            check(r);
        }
    }

    /** M1 creates the first chunk; M2 claims its second slot with an atomic add. */
    @JCStressTest
    @State
    public static class ChunkedFresh extends Handshake {
        public ChunkedFresh() {
            super(MailboxKind.CHUNKED, false, 0, true);
        }

        @Actor
        public void consumer(ZZZZ_Result r) {
            consume(r);
        }

        @Actor
        public void producer(ZZZZ_Result r) {
            produce(r);
        }

        @Arbiter
        public void arbiter(ZZZZ_Result r) {
            check(r);
        }
    }

    /** No M1: M2 is the mailbox's first message and installs the first chunk by CAS. */
    @JCStressTest
    @State
    public static class ChunkedFirstChunk extends Handshake {
        public ChunkedFirstChunk() {
            super(MailboxKind.CHUNKED, false, 0, false);
        }

        @Actor
        public void consumer(ZZZZ_Result r) {
            consume(r);
        }

        @Actor
        public void producer(ZZZZ_Result r) {
            produce(r);
        }

        @Arbiter
        public void arbiter(ZZZZ_Result r) {
            check(r);
        }
    }
}
