package dev.spindle.samples;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.SupervisorStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A counter whose total other code reads with {@code ask}, and a faulty child it keeps: an auditor
 * that throws on amounts over 100. Its supervisor restarts it after a backoff (50 ms, doubling),
 * the counter and its total carry on. Run:
 * {@code ./run Counter}
 */
public final class Counter {

    private static final Logger LOG = LoggerFactory.getLogger(Counter.class);

    /** The counter's protocol. */
    sealed interface Command {
        record Add(int amount) implements Command {
        }

        record Get(ActorRef<Integer> replyTo) implements Command {
        }
    }

    /** What a run showed: the total read with {@code ask}, and how often the auditor started. */
    record Outcome(int total, int auditorStarts) {
    }

    private Counter() {
    }

    /** Checks each amount; a big one is a bug it throws on (its supervisor restarts it). */
    static Behavior<Integer> auditor(AtomicInteger starts) {
        return Behavior.setup(ctx -> {
            ctx.log().info("auditor started (start {})", starts.incrementAndGet());
            return (c, amount) -> {
                if (amount > 100) {
                    throw new IllegalArgumentException("an amount over 100: " + amount);
                }
                return Behavior.same();
            };
        });
    }

    static Behavior<Command> counter(AtomicInteger auditorStarts) {
        return Behavior.setup(ctx -> {
            ActorRef<Integer> auditor = ctx.spawn(Behavior.supervise(auditor(auditorStarts),
                    SupervisorStrategy.restart().withBackoff(Duration.ofMillis(50), Duration.ofSeconds(1), 0.1)), "auditor");
            int[] total = {0};
            return (c, command) -> {
                switch (command) {
                    case Command.Add(int amount) -> {
                        total[0] += amount;
                        auditor.tell(amount);
                    }
                    case Command.Get(ActorRef<Integer> replyTo) -> replyTo.tell(total[0]);
                }
                return Behavior.same();
            };
        });
    }

    /** Adds 1 to 10 and two big amounts (which make the auditor fail twice), then asks the total. */
    static Outcome run(ActorSystem system) throws Exception {
        AtomicInteger starts = new AtomicInteger();
        ActorRef<Command> counter = system.spawn(counter(starts), "counter");
        for (int i = 1; i <= 10; i++) {
            counter.tell(new Command.Add(i));
            if (i == 3 || i == 7) {
                counter.tell(new Command.Add(1000));
            }
        }
        int total = counter.<Integer>ask(Command.Get::new, Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        // the auditor's restarts come after their backoffs: wait for the second (with a deadline)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (starts.get() < 3 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return new Outcome(total, starts.get());
    }

    public static void main(String[] args) throws Exception {
        try (ActorSystem system = ActorSystem.create("counter")) {
            Outcome outcome = run(system);
            LOG.info("total {} (asked); the auditor started {} times (it failed twice, its supervisor restarted it)",
                    outcome.total(), outcome.auditorStarts());
        }
    }
}
