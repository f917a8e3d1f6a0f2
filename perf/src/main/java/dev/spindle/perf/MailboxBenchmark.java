package dev.spindle.perf;

import com.lmax.disruptor.Sequence;
import dev.spindle.mailbox.DeadLetterSink;
import dev.spindle.mailbox.DropReason;
import dev.spindle.mailbox.Mailbox;
import dev.spindle.mailbox.MailboxHandler;
import dev.spindle.mailbox.MpscBoundedMailbox;
import dev.spindle.mailbox.MpscChunkedMailbox;
import dev.spindle.mailbox.MpscRingMailbox;
import dev.spindle.mailbox.Offer;
import dev.spindle.mailbox.OverflowPolicy;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The three mailboxes, driven through their public contract: producers {@code offer}, the
 * consumer {@code drain}s with a limit of {@link #BATCH}. Compare with {@link RawRingBenchmark} and
 * {@link RawJctoolsBenchmark}, which run the same harness on the bare structures.
 *
 * <p>{@code consumer} selects how the consumer treats an empty mailbox:
 * <ul>
 *   <li>{@code hold}: it keeps hold of the mailbox for the whole iteration and yields until the
 *       next drain, like a worker that stays with a busy actor. Producers still pay the whole
 *       handshake on every offer (the full fence, the read of the state) and are told
 *       {@link Offer#ENQUEUED}.</li>
 *   <li>{@code idle}: it calls {@link Mailbox#tryIdle()} and, once released, waits (yielding)
 *       until the producer whose offer returned {@link Offer#SCHEDULE} hands the mailbox back
 *       through a release/acquire flag, like a worker that moves on to other actors. This adds the
 *       cost of going idle and being scheduled again, without an executor in the way.</li>
 * </ul>
 */
public class MailboxBenchmark extends MpscThroughputBenchmark {

    /** ring: 1024 slots, FAIL; chunked: default chunk size; bounded: 1024, FAIL. */
    @Param({"ring", "chunked", "bounded"})
    public String mailbox;

    @Param({"hold", "idle"})
    public String consumer;

    /** Read by producers on every offer: nothing written often may share its cache line. */
    private Mailbox<Object, Object> box;
    private boolean releaseWhenEmpty;
    /**
     * 1 once the producer told to schedule has handed the mailbox over (release), until the
     * consumer takes it (acquire). Padded: a Disruptor Sequence, away from {@code box}.
     */
    private final Sequence handedOver = new Sequence(0);
    /** Consumer thread only; allocated after this state object and its JMH padding. */
    private final ConsumerSide consumerSide = new ConsumerSide();

    @Override
    void create() {
        box = switch (mailbox) {
            case "ring" -> new MpscRingMailbox<>(CAPACITY, OverflowPolicy.FAIL, NoDeadLetters.INSTANCE);
            case "chunked" -> new MpscChunkedMailbox<>(NoDeadLetters.INSTANCE);
            case "bounded" -> new MpscBoundedMailbox<>(CAPACITY, OverflowPolicy.FAIL, NoDeadLetters.INSTANCE);
            default -> throw new IllegalArgumentException("mailbox: " + mailbox);
        };
        capInFlight = box.capacity() == Integer.MAX_VALUE;
        releaseWhenEmpty = switch (consumer) {
            case "hold" -> false;
            case "idle" -> true;
            default -> throw new IllegalArgumentException("consumer: " + consumer);
        };
        // The consumer starts as the holder; JMH's iteration barrier publishes this to its thread.
        if (!box.trySchedule()) {
            throw new IllegalStateException("a fresh mailbox is held");
        }
        consumerSide.holding = true;
        handedOver.set(0);
    }

    @Override
    boolean offer(Object message) {
        Offer outcome = box.offer(message);
        if (outcome == Offer.SCHEDULE) {
            // "Make the consumer run": hand it the mailbox.
            handedOver.set(1);
        }
        return outcome.isEnqueued();
    }

    @Override
    int drain(Blackhole bh, Consumed consumed) {
        ConsumerSide self = consumerSide;
        if (!self.holding) {
            if (handedOver.get() == 0) {
                return 0;
            }
            // Cleared before tryIdle's release of the state, hence before the next producer can
            // take hold and set it again: no hand-over is lost.
            handedOver.set(0);
            self.holding = true;
            consumed.handoffs++;
        }
        self.bh = bh;
        int taken = box.drain(self, BATCH);
        if (taken == 0 && releaseWhenEmpty && box.tryIdle()) {
            self.holding = false;
        }
        return taken;
    }

    /**
     * The consumer's own state, and its handler: hands each message to the consumer thread's
     * Blackhole; system messages never come.
     */
    static final class ConsumerSide implements MailboxHandler<Object, Object> {
        Blackhole bh;
        /** Whether the consumer holds the mailbox now. */
        boolean holding;

        @Override
        public boolean onSystemMessage(Object message) {
            throw new AssertionError("no system messages in this benchmark");
        }

        @Override
        public boolean onMessage(Object message) {
            bh.consume(message);
            return true;
        }
    }

    /** FAIL never dead-letters and the mailbox is never closed: reaching this sink is a bug. */
    enum NoDeadLetters implements DeadLetterSink<Object, Object> {
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
}
