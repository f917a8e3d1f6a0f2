package dev.spindle.samples;

import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.Cancellable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Node's timers, as messages to the actor that set them: {@code setInterval} ticks every 100 ms
 * and is cancelled after the third; {@code setTimeout} fires once, after 500 ms; a timeout
 * cancelled before it fires never arrives. Run:
 * {@code ./run Timers}
 */
public final class Timers {

    private static final Logger LOG = LoggerFactory.getLogger(Timers.class);

    private Timers() {
    }

    /** The actor's messages: its own timers'. */
    sealed interface Timer {
        record Tick() implements Timer {
        }

        record Timeout(String what) implements Timer {
        }
    }

    /** {@return what happened, in order} */
    static List<String> run(ActorSystem system) throws Exception {
        List<String> happened = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        system.spawn(Behavior.<Timer>setup(ctx -> {
            Cancellable interval = ctx.setInterval(Duration.ofMillis(100), new Timer.Tick());
            ctx.setTimeout(Duration.ofMillis(500), new Timer.Timeout("the half-second timeout"));
            ctx.setTimeout(Duration.ofMillis(200), new Timer.Timeout("a timeout cancelled at once")).cancel();
            int[] ticks = {0};
            return (c, timer) -> {
                switch (timer) {
                    case Timer.Tick() -> {
                        happened.add("tick " + ++ticks[0]);
                        if (ticks[0] == 3) {
                            interval.cancel();
                            happened.add("interval cancelled");
                        }
                    }
                    case Timer.Timeout(String what) -> {
                        happened.add(what + " fired");
                        done.complete(null);
                    }
                }
                return Behavior.same();
            };
        }), "timers");
        done.get(10, TimeUnit.SECONDS);
        return happened;
    }

    public static void main(String[] args) throws Exception {
        try (ActorSystem system = ActorSystem.create("timers")) {
            run(system).forEach(line -> LOG.info("{}", line));
        }
    }
}
