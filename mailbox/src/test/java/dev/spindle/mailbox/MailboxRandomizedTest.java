package dev.spindle.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many producers against one consumer that is scheduled only through the handshake, with random
 * producer counts, batch sizes, capacities and pauses. Every run prints its seed; replay one with
 * {@code -Dspindle.seed=<seed>} (thread interleavings differ between runs; the random choices do not).
 *
 * <p>Across the suite well over 10^6 messages are offered. Each run checks: nothing lost, nothing
 * duplicated, per-producer FIFO, the capacity bound, no two drains at once, and the books balance
 * exactly: offered = delivered + dead-lettered + rejected.
 */
class MailboxRandomizedTest {

    private static final long SEED = Long.getLong("spindle.seed", System.nanoTime());
    private static final int MESSAGES_PER_RUN = 100_000;

    private final ExecutorService scheduler = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopScheduler() throws InterruptedException {
        scheduler.shutdownNow();
        assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(MailboxKind.class)
    void shouldDeliverEverythingFromManyProducersInOrder(MailboxKind kind) throws Exception {
        new Run(kind, seedFor(kind, 1), false).execute();
    }

    @ParameterizedTest
    @EnumSource(MailboxKind.class)
    void shouldAccountForEveryMessageWhenClosedUnderLoad(MailboxKind kind) throws Exception {
        new Run(kind, seedFor(kind, 2), true).execute();
    }

    private static long seedFor(MailboxKind kind, int scenario) {
        long seed = SEED * 31 + kind.ordinal() * 7L + scenario;
        System.out.printf("MailboxRandomizedTest %s scenario %d: seed %d (replay all with -Dspindle.seed=%d)%n",
                kind, scenario, seed, SEED);
        return seed;
    }

    /** One randomized run; fields written by the consumer are handed over through the handshake. */
    private final class Run implements MailboxHandler<Object, Object> {
        private final MailboxKind kind;
        private final long seed;
        private final boolean closeUnderLoad;
        private final SplittableRandom consumerRandom;
        private final CountingDeadLetterSink sink = new CountingDeadLetterSink();
        private final Mailbox<Object, Object> mailbox;
        private final int producers;
        private final int perProducer;
        private final int closeAfterRuns;
        private int runs;

        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicInteger draining = new AtomicInteger();
        private final LongAdder rejected = new LongAdder();
        private final LongAdder systemOffered = new LongAdder();
        private final AtomicLongArray lastSeen;
        private volatile long delivered;
        private volatile long systemDelivered;
        private final Runnable consumerRun = this::consume;

        Run(MailboxKind kind, long seed, boolean closeUnderLoad) {
            this.kind = kind;
            this.seed = seed;
            this.closeUnderLoad = closeUnderLoad;
            SplittableRandom random = new SplittableRandom(seed);
            this.producers = 2 + random.nextInt(3);
            this.perProducer = MESSAGES_PER_RUN / producers;
            int capacity = kind.bounded ? 1 << (3 + random.nextInt(6)) : Integer.MAX_VALUE;
            this.mailbox = kind.bounded ? kind.create(capacity, sink) : kind.create(sink);
            this.closeAfterRuns = closeUnderLoad ? 1 + random.nextInt(50) : Integer.MAX_VALUE;
            this.consumerRandom = random.split();
            this.lastSeen = new AtomicLongArray(producers);
            for (int p = 0; p < producers; p++) {
                lastSeen.set(p, -1);
            }
        }

        void execute() throws Exception {
            Thread[] threads = new Thread[producers];
            for (int p = 0; p < producers; p++) {
                int producer = p;
                SplittableRandom random = new SplittableRandom(seed + 1000 + p);
                threads[p] = Thread.ofPlatform().name("producer-" + p).start(() -> produce(producer, random));
            }
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(thread.isAlive()).as("%s did not finish", thread.getName()).isFalse();
            }
            long offered = (long) producers * perProducer;
            if (closeUnderLoad) {
                closeIfTheConsumerDidNot();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (accounted() < offered || mailbox.isScheduled()) {
                if (failure.get() != null || System.nanoTime() > deadline) {
                    break;
                }
                Thread.onSpinWait();
            }
            if (failure.get() != null) {
                throw new AssertionError("seed " + seed + ": " + failure.get(), failure.get());
            }
            String books = String.format("seed %d, %s: offered %d, delivered %d, dead-lettered %s, rejected %d, mailbox %s",
                    seed, kind, offered, delivered, sink, rejected.sum(), mailbox);
            assertThat(accounted()).as("every message is accounted for exactly once: " + books).isEqualTo(offered);
            assertThat(mailbox.isScheduled()).as("idle at the end (no lost or extra wake-up): " + books).isFalse();
            assertThat(mailbox.size()).as(books).isZero();
            assertThat(systemDelivered + sink.systemDropped())
                    .as("system messages are never dropped while open: " + books)
                    .isEqualTo(systemOffered.sum());
            if (!closeUnderLoad) {
                assertThat(sink.dropped(DropReason.CLOSED)).isZero();
                assertThat(sink.systemDropped()).isZero();
                if (!kind.bounded) {
                    assertThat(delivered).as(books).isEqualTo(offered);
                }
            } else {
                assertThat(mailbox.isClosed()).as(books).isTrue();
            }
        }

        /** Few consumer runs (most messages dropped, say): take hold as the consumer would, and close. */
        private void closeIfTheConsumerDidNot() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!mailbox.isClosed() && System.nanoTime() < deadline) {
                if (mailbox.trySchedule()) {
                    mailbox.close();
                }
                Thread.onSpinWait();
            }
        }

        private long accounted() {
            return delivered + sink.dropped() + rejected.sum();
        }

        private void produce(int producer, SplittableRandom random) {
            try {
                for (int seq = 0; seq < perProducer; seq++) {
                    long evictedBefore = sink.dropped(DropReason.OVERFLOW_OLDEST);
                    Offer offer = mailbox.offer(new Msg(producer, seq));
                    switch (offer) {
                        case SCHEDULE -> scheduler.execute(consumerRun);
                        case REJECTED -> rejected.increment();
                        case ENQUEUED, DROPPED, CLOSED -> { }
                    }
                    if (random.nextInt(1000) == 0) {
                        systemOffered.increment();
                        Offer system = mailbox.offerSystem("sys-" + producer + "-" + seq);
                        if (system == Offer.SCHEDULE) {
                            scheduler.execute(consumerRun);
                        }
                    }
                    if (kind.bounded && random.nextInt(64) == 0) {
                        int size = mailbox.size();
                        if (size > mailbox.capacity()) {
                            throw new AssertionError("size " + size + " over capacity " + mailbox.capacity());
                        }
                    }
                    if (offer.isEnqueued() && random.nextInt(32) == 0) {
                        awaitDelivery(producer, seq, evictedBefore);
                    }
                    int pause = random.nextInt(256);
                    if (pause == 0) {
                        Thread.yield();
                    } else if (pause < 8) {
                        for (int spin = random.nextInt(200); spin > 0; spin--) {
                            Thread.onSpinWait();
                        }
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }

        /**
         * Waits for our own message: the consumer keeps going idle and being woken, which is where a
         * lost wake-up would strand a message in an idle mailbox.
         */
        private void awaitDelivery(int producer, int seq, long evictedBefore) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (lastSeen.get(producer) < seq) {
                if (mailbox.isClosed() || sink.dropped(DropReason.OVERFLOW_OLDEST) > evictedBefore) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("lost wake-up: producer " + producer + " message " + seq
                            + " not delivered in 10 s; " + mailbox);
                }
                Thread.onSpinWait();
            }
        }

        /** One scheduled run of the consumer: a drain, then either let go or go round again. */
        private void consume() {
            if (draining.incrementAndGet() != 1) {
                failure.compareAndSet(null, new AssertionError("two drains at once"));
            }
            try {
                mailbox.drain(this, 1 + consumerRandom.nextInt(64));
                if (++runs >= closeAfterRuns && !mailbox.isClosed()) {
                    draining.decrementAndGet();
                    mailbox.close();
                    return;
                }
                // Count ourselves out before letting go: the next holder may start the moment we do.
                draining.decrementAndGet();
                if (!mailbox.tryIdle()) {
                    scheduler.execute(consumerRun);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }

        @Override
        public boolean onSystemMessage(Object message) {
            systemDelivered++;
            return true;
        }

        @Override
        public boolean onMessage(Object message) {
            Msg msg = (Msg) message;
            long last = lastSeen.get(msg.producer);
            if (msg.seq <= last) {
                fail("producer %d: seq %d after %d (duplicate or out of order)", msg.producer, msg.seq, last);
            }
            if (!kind.bounded && msg.seq != last + 1) {
                fail("producer %d: seq %d after %d in an unbounded mailbox (lost)", msg.producer, msg.seq, last);
            }
            lastSeen.set(msg.producer, msg.seq);
            delivered++;
            return true;
        }
    }

    private record Msg(int producer, int seq) { }
}
