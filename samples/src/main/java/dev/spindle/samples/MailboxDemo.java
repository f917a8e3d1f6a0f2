package dev.spindle.samples;

import dev.spindle.mailbox.CountingDeadLetterSink;
import dev.spindle.mailbox.Mailbox;
import dev.spindle.mailbox.MailboxHandler;
import dev.spindle.mailbox.MpscBoundedMailbox;
import dev.spindle.mailbox.MpscChunkedMailbox;
import dev.spindle.mailbox.MpscRingMailbox;
import dev.spindle.mailbox.Offer;
import dev.spindle.mailbox.OverflowPolicy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The mailbox on its own, before there are actors: producers on virtual threads offer to one
 * mailbox; the offer that wakes an idle mailbox schedules its consumer on a virtual thread; the
 * consumer drains in batches and lets go through the handshake. Prints what happened to every
 * message for each kind of mailbox.
 */
public final class MailboxDemo {

    private static final int PRODUCERS = 4;
    private static final int MESSAGES_PER_PRODUCER = 1_000_000;
    private static final int BATCH = 256;

    private MailboxDemo() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.printf("Spindle mailbox demo: %d producers x %,d messages into one consumer, %d cores%n%n",
                PRODUCERS, MESSAGES_PER_PRODUCER, Runtime.getRuntime().availableProcessors());
        System.out.printf("%-40s %12s %12s %10s %10s %10s %10s%n",
                "mailbox", "msgs/s", "delivered", "rejected", "dropped", "wake-ups", "msgs/wake");
        for (int round = 0; round < 2; round++) {
            String note = round == 0 ? " (warm-up)" : "";
            run("MpscRingMailbox 4096 FAIL" + note, sink -> new MpscRingMailbox<>(4096, OverflowPolicy.FAIL, sink));
            run("MpscChunkedMailbox" + note, MpscChunkedMailbox::new);
            run("MpscBoundedMailbox 4096 DROP_OLDEST" + note,
                    sink -> new MpscBoundedMailbox<>(4096, OverflowPolicy.DROP_OLDEST, sink));
        }
        System.out.println();
        System.out.println("'rejected' went back to their producers (FAIL); 'dropped' went to the dead-letter sink;");
        System.out.println("delivered + rejected + dropped = offered, always. Throughput here is a demo, not a benchmark:");
        System.out.println("see perf/README.md for the JMH figures.");
    }

    private static void run(String name, Function<CountingDeadLetterSink, Mailbox<Object, Object>> factory)
            throws InterruptedException {
        CountingDeadLetterSink sink = new CountingDeadLetterSink();
        Mailbox<Object, Object> mailbox = factory.apply(sink);
        LongAdder rejected = new LongAdder();
        Consumer consumer = new Consumer(mailbox);
        long offered = (long) PRODUCERS * MESSAGES_PER_PRODUCER;
        long start = System.nanoTime();
        try (ExecutorService producers = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch go = new CountDownLatch(1);
            for (int p = 0; p < PRODUCERS; p++) {
                producers.execute(() -> {
                    awaitQuietly(go);
                    Integer message = 42;
                    for (int i = 0; i < MESSAGES_PER_PRODUCER; i++) {
                        Offer offer = mailbox.offer(message);
                        if (offer.mustSchedule()) {
                            consumer.schedule();
                        } else if (offer == Offer.REJECTED) {
                            rejected.increment();
                            Thread.yield();
                        }
                    }
                });
            }
            go.countDown();
        }
        while (consumer.delivered.sum() + rejected.sum() + sink.dropped() < offered) {
            Thread.onSpinWait();
        }
        long nanos = System.nanoTime() - start;
        long delivered = consumer.delivered.sum();
        long wakeUps = consumer.wakeUps.sum();
        System.out.printf("%-40s %,12d %,12d %,10d %,10d %,10d %,10d%n", name,
                (long) (delivered * 1e9 / nanos), delivered, rejected.sum(), sink.dropped(), wakeUps,
                wakeUps == 0 ? 0 : delivered / wakeUps);
        consumer.executor.shutdown();
        consumer.executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs the mailbox's consumer on a virtual thread each time the handshake says so. */
    private static final class Consumer implements MailboxHandler<Object, Object> {
        final Mailbox<Object, Object> mailbox;
        final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        final LongAdder delivered = new LongAdder();
        final LongAdder wakeUps = new LongAdder();
        private long batchCount;

        Consumer(Mailbox<Object, Object> mailbox) {
            this.mailbox = mailbox;
        }

        void schedule() {
            wakeUps.increment();
            executor.execute(this::run);
        }

        private void run() {
            do {
                batchCount = 0;
                mailbox.drain(this, BATCH);
                delivered.add(batchCount);
            } while (!mailbox.tryIdle());
        }

        @Override
        public boolean onSystemMessage(Object message) {
            return true;
        }

        @Override
        public boolean onMessage(Object message) {
            batchCount++;
            return true;
        }
    }
}
