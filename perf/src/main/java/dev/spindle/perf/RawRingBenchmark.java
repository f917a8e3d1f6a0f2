package dev.spindle.perf;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The physical limit for {@code MpscRingMailbox}: the same Disruptor 4 multi-producer ring of
 * {@link #CAPACITY} slots, with no mailbox around it. Producers {@code tryNext}, write the slot and
 * {@code publish}; the consumer is an {@link EventPoller}, which finds the highest published
 * sequence the same way the mailbox's barrier does, takes up to {@link #BATCH} slots, clears each,
 * and moves its gating sequence once per batch, as the mailbox does.
 *
 * <p>The wait strategy is never waited on (the poller does not block); a busy-spin strategy is
 * chosen because, like the mailbox's, its {@code signalAllWhenBlocking} does nothing on publish.
 *
 * <p>{@code producer} isolates what the mailbox adds to each offer:
 * <ul>
 *   <li>{@code bare}: the ring alone, the physical limit.</li>
 *   <li>{@code fenced}: the ring plus exactly the producer's half of the mailbox handshake: a
 *       volatile read of a state word before claiming (the closed check), and after publishing a
 *       full fence and a second volatile read of it. Nobody writes the state, as in the
 *       mailbox benchmark with {@code consumer=hold}.</li>
 *   <li>{@code claimed}: a handshake without the fence, as a candidate design: the same two
 *       volatile reads of the state, the second one right after {@code tryNext}, whose CAS on the
 *       cursor is a volatile write. Volatile accesses are totally ordered, so that CAS could be the
 *       producer's store half of the Dekker pair, if the consumer's idle check looked at the
 *       claimed cursor rather than at the published slots (and kept hold while a claimed slot is
 *       not yet published).</li>
 * </ul>
 */
public class RawRingBenchmark extends MpscThroughputBenchmark {

    @Param({"bare", "fenced", "claimed"})
    public String producer;

    private boolean fenced;
    private boolean claimed;

    private RingBuffer<Slot> ring;
    private EventPoller<Slot> poller;
    private final TakeUpToBatch handler = new TakeUpToBatch();

    @Override
    void create() {
        fenced = producer.equals("fenced");
        claimed = producer.equals("claimed");
        if (!fenced && !claimed && !producer.equals("bare")) {
            throw new IllegalArgumentException("producer: " + producer);
        }
        ring = RingBuffer.createMultiProducer(Slot::new, CAPACITY, new BusySpinWaitStrategy());
        poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
    }

    @Override
    boolean offer(Object message) {
        if (fenced || claimed) {
            readStateBeforeOffer();
        }
        long sequence;
        try {
            sequence = ring.tryNext();
        } catch (InsufficientCapacityException full) {
            return false;
        }
        if (claimed) {
            // Ordered after the cursor CAS (a volatile write) by the total order of volatile accesses.
            readState();
        }
        ring.get(sequence).message = message;
        ring.publish(sequence);
        if (fenced) {
            fenceAndReadState();
        }
        return true;
    }

    @Override
    int drain(Blackhole bh, Consumed consumed) {
        handler.bh = bh;
        handler.taken = 0;
        try {
            poller.poll(handler);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return handler.taken;
    }

    /** A pre-allocated slot, as in the mailbox. */
    static final class Slot {
        Object message;
    }

    /** Takes a slot's message, clears the slot, and stops the poll after BATCH slots. */
    static final class TakeUpToBatch implements EventPoller.Handler<Slot> {
        Blackhole bh;
        int taken;

        @Override
        public boolean onEvent(Slot slot, long sequence, boolean endOfBatch) {
            bh.consume(slot.message);
            slot.message = null;
            return ++taken < BATCH;
        }
    }
}
