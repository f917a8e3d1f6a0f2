package dev.spindle.samples.tour;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.SupervisorStrategy;

import java.time.Duration;

public final class FirstActor {

    // The actor's protocol: a sealed interface of records.
    sealed interface Counter {
        record Add(int n) implements Counter {}
        record Get(ActorRef<Integer> replyTo) implements Counter {}
    }

    // One message at a time, no locks: the state lives in the behavior, and each message
    // returns the behavior for the next one.
    static Behavior<Counter> counter(int total) {
        return (ctx, message) -> switch (message) {
            case Counter.Add(int n) -> counter(total + n);
            case Counter.Get(ActorRef<Integer> replyTo) -> {
                replyTo.tell(total);
                yield Behavior.same();
            }
        };
    }

    public static void main(String[] args) {
        try (ActorSystem system = ActorSystem.create("shop")) {
            // If it throws, its supervisor restarts it (from counter(0)).
            ActorRef<Counter> counter = system.spawn(
                    Behavior.supervise(counter(0), SupervisorStrategy.restart()), "counter");
            counter.tell(new Counter.Add(5)); // never blocks
            counter.tell(new Counter.Add(37));
            int total = counter.<Integer>ask(Counter.Get::new, Duration.ofSeconds(1))
                    .toCompletableFuture().join();
            System.out.println("total = " + total);
        }
    }
}
