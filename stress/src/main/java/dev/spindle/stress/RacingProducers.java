package dev.spindle.stress;

import dev.spindle.mailbox.CountingDeadLetterSink;
import dev.spindle.mailbox.Mailbox;
import dev.spindle.mailbox.Offer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZZ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two producers race on an idle mailbox: exactly one of them is told {@code SCHEDULE}.
 *
 * <p>The mailbox is idle and empty and has taken one message before, so the two offers are its
 * 2nd and 3rd: whichever claims second wraps the ring and links a chunk. The arbiter then plays
 * the scheduled consumer and checks the books.
 *
 * <p>Result: r1 producer 1 got {@code SCHEDULE}; r2 producer 2 got {@code SCHEDULE}; r3 both
 * messages were handled exactly once and the mailbox ended idle.
 */
@Description("Two producers race to turn an idle mailbox non-empty; exactly one is told to schedule it.")
@Outcome(id = "true, false, true", expect = ACCEPTABLE, desc = "Producer 1 turned the mailbox non-empty and schedules it.")
@Outcome(id = "false, true, true", expect = ACCEPTABLE, desc = "Producer 2 turned the mailbox non-empty and schedules it.")
@Outcome(id = "true, true, .*", expect = FORBIDDEN, desc = "Double schedule: both producers were told SCHEDULE.")
@Outcome(id = "false, false, .*", expect = FORBIDDEN, desc = "Lost wake-up: two messages queued and nobody schedules the consumer.")
@Outcome(expect = FORBIDDEN, desc = "A message lost or handled twice, or the mailbox left held.")
public abstract class RacingProducers {

    private static final String P1 = "P1";
    private static final String P2 = "P2";

    private final Mailbox<String, String> mailbox;

    RacingProducers(MailboxKind kind) {
        mailbox = kind.createHeld(new CountingDeadLetterSink(), "F", 1);
        if (!mailbox.tryIdle()) {
            throw new IllegalStateException("an empty mailbox did not go idle: " + mailbox);
        }
    }

    final void produce1(ZZZ_Result r) {
        r.r1 = mailbox.offer(P1) == Offer.SCHEDULE;
    }

    final void produce2(ZZZ_Result r) {
        r.r2 = mailbox.offer(P2) == Offer.SCHEDULE;
    }

    final void check(ZZZ_Result r) {
        Recorder handled = new Recorder();
        if (r.r1 != r.r2) {
            do {
                mailbox.drain(handled, Integer.MAX_VALUE);
            } while (!mailbox.tryIdle());
        }
        r.r3 = handled.count(P1) == 1 && handled.count(P2) == 1 && !mailbox.isScheduled();
    }

    @JCStressTest
    @State
    public static class Ring extends RacingProducers {
        public Ring() {
            super(MailboxKind.RING);
        }

        @Actor
        public void producer1(ZZZ_Result r) {
            produce1(r);
        }

        @Actor
        public void producer2(ZZZ_Result r) {
            produce2(r);
        }

        @Arbiter
        public void arbiter(ZZZ_Result r) {
            check(r);
        }
    }

    @JCStressTest
    @State
    public static class Chunked extends RacingProducers {
        public Chunked() {
            super(MailboxKind.CHUNKED);
        }

        @Actor
        public void producer1(ZZZ_Result r) {
            produce1(r);
        }

        @Actor
        public void producer2(ZZZ_Result r) {
            produce2(r);
        }

        @Arbiter
        public void arbiter(ZZZ_Result r) {
            check(r);
        }
    }

    @JCStressTest
    @State
    public static class Bounded extends RacingProducers {
        public Bounded() {
            super(MailboxKind.BOUNDED);
        }

        @Actor
        public void producer1(ZZZ_Result r) {
            produce1(r);
        }

        @Actor
        public void producer2(ZZZ_Result r) {
            produce2(r);
        }

        @Arbiter
        public void arbiter(ZZZ_Result r) {
            check(r);
        }
    }
}
