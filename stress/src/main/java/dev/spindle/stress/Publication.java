package dev.spindle.stress;

import dev.spindle.mailbox.CountingDeadLetterSink;
import dev.spindle.mailbox.Mailbox;
import dev.spindle.mailbox.MailboxHandler;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Safe publication: a consumer that receives a message sees the fields its producer wrote before
 * offering it, though they are neither final nor volatile.
 *
 * <p>The consumer holds a new mailbox from the start ({@code trySchedule()}), so the producer's
 * offer is the mailbox's first: it creates the first chunk, whose slot is written with a plain
 * store and published by the CAS and release that install the chunk. The consumer drains once.
 *
 * <p>Result: the message's two fields as the consumer saw them, or -1, -1 if it saw no message.
 */
@Description("A message's plain fields, written before the offer, are visible to the consumer that takes it.")
@Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "Nothing yet: the drain ran before the offer.")
@Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "Saw the message with the fields its producer wrote.")
@Outcome(id = {"0, .*", ".*, 0"}, expect = FORBIDDEN,
        desc = "Saw the message before its fields: the mailbox did not publish it safely.")
@Outcome(expect = FORBIDDEN, desc = "Values nobody wrote.")
public abstract class Publication implements MailboxHandler<Publication.Payload, Publication.Payload> {

    /** Deliberately plain fields: only the mailbox's own ordering makes them visible. */
    public static final class Payload {
        int x;
        int y;
    }

    private final Mailbox<Payload, Payload> mailbox;
    private final boolean systemLane;
    /** Holder only. */
    private Payload seen;

    Publication(MailboxKind kind, boolean systemLane) {
        this.mailbox = kind.createHeld(new CountingDeadLetterSink());
        this.systemLane = systemLane;
    }

    final void produce() {
        Payload payload = new Payload();
        payload.x = 1;
        payload.y = 2;
        if (systemLane) {
            mailbox.offerSystem(payload);
        } else {
            mailbox.offer(payload);
        }
    }

    final void consume(II_Result r) {
        mailbox.drain(this, 1);
        Payload payload = seen;
        if (payload == null) {
            r.r1 = -1;
            r.r2 = -1;
        } else {
            r.r1 = payload.x;
            r.r2 = payload.y;
        }
    }

    @Override
    public final boolean onSystemMessage(Payload message) {
        seen = message;
        return true;
    }

    @Override
    public final boolean onMessage(Payload message) {
        seen = message;
        return true;
    }

    @JCStressTest
    @State
    public static class Ring extends Publication {
        public Ring() {
            super(MailboxKind.RING, false);
        }

        @Actor
        public void producer() {
            produce();
        }

        @Actor
        public void consumer(II_Result r) {
            consume(r);
        }
    }

    @JCStressTest
    @State
    public static class Chunked extends Publication {
        public Chunked() {
            super(MailboxKind.CHUNKED, false);
        }

        @Actor
        public void producer() {
            produce();
        }

        @Actor
        public void consumer(II_Result r) {
            consume(r);
        }
    }

    @JCStressTest
    @State
    public static class Bounded extends Publication {
        public Bounded() {
            super(MailboxKind.BOUNDED, false);
        }

        @Actor
        public void producer() {
            produce();
        }

        @Actor
        public void consumer(II_Result r) {
            consume(r);
        }
    }

    /** The payload on the system lane (a Treiber stack shared by every kind). */
    @JCStressTest
    @State
    public static class SystemLane extends Publication {
        public SystemLane() {
            super(MailboxKind.CHUNKED, true);
        }

        @Actor
        public void producer() {
            produce();
        }

        @Actor
        public void consumer(II_Result r) {
            consume(r);
        }
    }
}
