package dev.spindle.perf;

import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;
import org.jctools.queues.atomic.MpscAtomicArrayQueue;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JCTools queues with no mailbox around them, as the physical limit. The {@code atomic} variants
 * throughout: they use field updaters, where the Unsafe ones print deprecation warnings on JDK 25.
 * <ul>
 *   <li>{@code mpscArray}: {@code MpscAtomicArrayQueue(1024)}, the fastest bounded MPSC JCTools
 *       has; the limit for a bounded mailbox.</li>
 *   <li>{@code mpmcArray}: {@code MpmcAtomicArrayQueue(1024)}, the very structure inside
 *       {@code MpscBoundedMailbox} (multi-consumer so that DROP_OLDEST can evict).</li>
 *   <li>{@code mpscUnbounded}: {@code MpscUnboundedAtomicArrayQueue} with 32-slot chunks, the
 *       unbounded JCTools queue {@code MpscChunkedMailbox} would otherwise be built on. Like the
 *       chunked mailbox, it runs with the harness's in-flight cap of {@link #CAPACITY}.</li>
 * </ul>
 * The consumer takes up to {@link #BATCH} messages with {@code relaxedPoll}, as the bounded mailbox
 * does.
 *
 * <p>{@code producer}, as in {@link RawRingBenchmark}: {@code bare} by default; {@code fenced} adds
 * the producer's half of the mailbox handshake (a volatile read of a state word before the offer, a
 * full fence and a second read after it); {@code claimed} the two reads without the fence, relying
 * on the queue's own CAS on its producer index.
 */
public class RawJctoolsBenchmark extends MpscThroughputBenchmark {

    @Param({"mpscArray", "mpmcArray", "mpscUnbounded"})
    public String queue;

    /** Only {@code bare} by default; {@code -p producer=bare,fenced,claimed} for the breakdown. */
    @Param({"bare"})
    public String producer;

    private boolean fenced;
    private boolean claimed;

    private MessagePassingQueue<Object> q;

    @Override
    void create() {
        fenced = producer.equals("fenced");
        claimed = producer.equals("claimed");
        if (!fenced && !claimed && !producer.equals("bare")) {
            throw new IllegalArgumentException("producer: " + producer);
        }
        q = switch (queue) {
            case "mpscArray" -> new MpscAtomicArrayQueue<>(CAPACITY);
            case "mpmcArray" -> new MpmcAtomicArrayQueue<>(CAPACITY);
            case "mpscUnbounded" -> new MpscUnboundedAtomicArrayQueue<>(32);
            default -> throw new IllegalArgumentException("queue: " + queue);
        };
        capInFlight = q.capacity() == MessagePassingQueue.UNBOUNDED_CAPACITY;
    }

    @Override
    boolean offer(Object message) {
        if (fenced || claimed) {
            readStateBeforeOffer();
        }
        if (!q.offer(message)) {
            return false;
        }
        if (fenced) {
            fenceAndReadState();
        } else if (claimed) {
            readState();
        }
        return true;
    }

    @Override
    int drain(Blackhole bh, Consumed consumed) {
        int taken = 0;
        while (taken < BATCH) {
            Object message = q.relaxedPoll();
            if (message == null) {
                break;
            }
            bh.consume(message);
            taken++;
        }
        return taken;
    }
}
