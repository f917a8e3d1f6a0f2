package dev.spindle.samples.tour;

import dev.spindle.mailbox.CountingDeadLetterSink;
import dev.spindle.mailbox.Mailbox;
import dev.spindle.mailbox.MailboxHandler;
import dev.spindle.mailbox.MpscRingMailbox;
import dev.spindle.mailbox.Offer;
import dev.spindle.mailbox.OverflowPolicy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

public final class FirstMailbox {

    public static void main(String[] args) {
        var sink = new CountingDeadLetterSink(); // counts what is never delivered
        // String: the system messages' type; Integer: the user messages'.
        Mailbox<String, Integer> mailbox =
                new MpscRingMailbox<>(1024, OverflowPolicy.FAIL, sink);
        LongAdder delivered = new LongAdder();
        MailboxHandler<String, Integer> handler = new MailboxHandler<>() {
            @Override
            public boolean onSystemMessage(String message) { // the system lane: none here
                return true;
            }

            @Override
            public boolean onMessage(Integer message) {
                delivered.increment();
                return true; // go on draining
            }
        };
        try (ExecutorService consumers = Executors.newVirtualThreadPerTaskExecutor()) {
            // The consumer, on whatever thread runs it.
            Runnable consumer = () -> {
                do {
                    mailbox.drain(handler, 256); // the system lane first, then a batch
                } while (!mailbox.tryIdle()); // let go only when really empty
            };
            // Producers, on any thread.
            try (ExecutorService producers = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int p = 0; p < 4; p++) {
                    producers.execute(() -> {
                        for (int i = 0; i < 100_000; i++) {
                            Offer offer;
                            while ((offer = mailbox.offer(i)) == Offer.REJECTED) {
                                Thread.yield(); // full: FAIL hands it back; try again
                            }
                            if (offer.mustSchedule()) {
                                // It woke the idle mailbox: exactly one producer gets here.
                                consumers.execute(consumer);
                            }
                        }
                    });
                }
            }
        }
        System.out.println(delivered.sum() + " delivered, " + sink.dropped() + " dead letters");
    }
}
