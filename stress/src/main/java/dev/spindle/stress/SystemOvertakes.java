package dev.spindle.stress;

import dev.spindle.mailbox.CountingDeadLetterSink;
import dev.spindle.mailbox.Mailbox;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The system lane overtakes the user lane: a user message offered after a system message is never
 * handled before it.
 *
 * <p>The consumer holds the mailbox. A producer offers system message S, then user message U2 (the
 * mailbox's third offer: it wraps the ring and links a chunk); the consumer drains once meanwhile.
 * The arbiter, still for the consumer, drains the rest. U2 before S is forbidden: S was offered
 * before U2, so before the consumer could take U2. Two layouts: user message U1 already queued
 * ahead of U2 (the {@code Ring}, {@code Chunked}, {@code Bounded} tests), or nothing queued (the
 * {@code *NothingAhead} tests, where a filler takes U1's place in the ring and chunk).
 *
 * <p>Result: r1 what the consumer's drain handled, in order, "-" for nothing; r2 everything
 * handled, in order.
 */
@Description("A user message offered after a system message is never handled before it.")
@Outcome(id = "U1, U1 S U2", expect = ACCEPTABLE, desc = "The drain ended before S and U2 arrived; the next drain took S first.")
@Outcome(id = "U1 S, U1 S U2", expect = ACCEPTABLE, desc = "S arrived while the drain handled U1; U2 after the drain's last look.")
@Outcome(id = "S U1, S U1 U2", expect = ACCEPTABLE, desc = "S arrived before the drain began and overtook U1; U2 came later.")
@Outcome(id = "U1 S U2, U1 S U2", expect = ACCEPTABLE, desc = "S and U2 arrived while the drain handled U1; S went first.")
@Outcome(id = "S U1 U2, S U1 U2", expect = ACCEPTABLE, desc = "S arrived before the drain and overtook U1; U2 followed in the same drain.")
@Outcome(id = "-, S U2", expect = ACCEPTABLE, desc = "Nothing ahead: the drain found nothing; the next drain took S first.")
@Outcome(id = "S, S U2", expect = ACCEPTABLE, desc = "Nothing ahead: the drain took S; U2 came later.")
@Outcome(id = "S U2, S U2", expect = ACCEPTABLE, desc = "Nothing ahead: the drain took S, then U2.")
@Outcome(id = {"[^,]*U2[^,]*S[^,]*, .*", ".*, [^,]*U2[^,]*S[^,]*"}, expect = FORBIDDEN,
        desc = "U2 was handled before S, which was offered before it.")
@Outcome(expect = FORBIDDEN, desc = "A message lost, handled twice or out of order.")
public abstract class SystemOvertakes {

    private final Mailbox<String, String> mailbox;
    private final Recorder handled = new Recorder();
    /** Holder only: how many messages the racing drain handled. */
    private int handledInRace;

    SystemOvertakes(MailboxKind kind, boolean u1Ahead) {
        mailbox = kind.createHeld(new CountingDeadLetterSink(), "F", u1Ahead ? 1 : 2);
        if (u1Ahead) {
            mailbox.offer("U1");
        }
    }

    final void produce() {
        mailbox.offerSystem("S");
        mailbox.offer("U2");
    }

    final void consume() {
        mailbox.drain(handled, Integer.MAX_VALUE);
        handledInRace = handled.size();
    }

    final void check(LL_Result r) {
        // The consumer still holds the mailbox: producers were only ever told ENQUEUED.
        do {
            mailbox.drain(handled, Integer.MAX_VALUE);
        } while (!mailbox.tryIdle());
        r.r1 = handled.first(handledInRace);
        r.r2 = handled.toString();
    }

    @JCStressTest
    @State
    public static class Ring extends SystemOvertakes {
        public Ring() {
            super(MailboxKind.RING, true);
        }

        @Actor
        public void producer() {
            produce();
        }

        @Actor
        public void consumer() {
            consume();
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            check(r);
        }
    }

    @JCStressTest
    @State
    public static class Chunked extends SystemOvertakes {
        public Chunked() {
            super(MailboxKind.CHUNKED, true);
        }

        @Actor
        public void producer() {
            produce();
        }

        @Actor
        public void consumer() {
            consume();
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            check(r);
        }
    }

    @JCStressTest
    @State
    public static class Bounded extends SystemOvertakes {
        public Bounded() {
            super(MailboxKind.BOUNDED, true);
        }

        @Actor
        public void producer() {
            produce();
        }

        @Actor
        public void consumer() {
            consume();
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            check(r);
        }
    }
    @JCStressTest
    @State
    public static class RingNothingAhead extends SystemOvertakes {
        public RingNothingAhead() {
            super(MailboxKind.RING, false);
        }

        @Actor
        public void producer() {
            produce();
        }

        @Actor
        public void consumer() {
            consume();
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            check(r);
        }
    }

    @JCStressTest
    @State
    public static class ChunkedNothingAhead extends SystemOvertakes {
        public ChunkedNothingAhead() {
            super(MailboxKind.CHUNKED, false);
        }

        @Actor
        public void producer() {
            produce();
        }

        @Actor
        public void consumer() {
            consume();
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            check(r);
        }
    }

    @JCStressTest
    @State
    public static class BoundedNothingAhead extends SystemOvertakes {
        public BoundedNothingAhead() {
            super(MailboxKind.BOUNDED, false);
        }

        @Actor
        public void producer() {
            produce();
        }

        @Actor
        public void consumer() {
            consume();
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            check(r);
        }
    }
}
