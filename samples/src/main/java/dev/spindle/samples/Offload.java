package dev.spindle.samples;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * CPU work offloaded to a virtual-thread worker, its result coming back as a message (Node's
 * {@code worker_threads}, without the message-passing boilerplate): the actor asks for fib(32),
 * answers pings meanwhile, and handles the result when it arrives. Run:
 * {@code ./run Offload}
 */
public final class Offload {

    private static final Logger LOG = LoggerFactory.getLogger(Offload.class);

    private Offload() {
    }

    /** The actor's protocol: work to start, pings, and the worker's result. */
    sealed interface Msg {
        record Compute(int n) implements Msg {
        }

        record Ping(int number) implements Msg {
        }

        record Computed(int n, long value, String thread) implements Msg {
        }
    }

    static long fib(int n) {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }

    /** {@return what the actor did, in order} */
    static List<String> run(ActorSystem system, int n) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        ActorRef<Msg> actor = system.spawn((ctx, msg) -> {
            switch (msg) {
                case Msg.Compute(int k) -> {
                    log.add("asked for fib(" + k + ")");
                    ctx.offload(() -> new Msg.Computed(k, fib(k), Thread.currentThread().toString()), computed -> computed,
                            failure -> new Msg.Computed(k, -1, String.valueOf(failure)));
                }
                case Msg.Ping(int number) -> log.add("answered ping " + number);
                case Msg.Computed(int k, long value, String thread) -> {
                    log.add("fib(" + k + ") = " + value + ", computed on " + thread);
                    done.complete(null);
                }
            }
            return Behavior.same();
        }, "calculator");
        actor.tell(new Msg.Compute(n));
        for (int i = 1; i <= 3; i++) {
            actor.tell(new Msg.Ping(i)); // handled while the worker computes
        }
        done.get(1, TimeUnit.MINUTES);
        return log;
    }

    public static void main(String[] args) throws Exception {
        try (ActorSystem system = ActorSystem.create("offload")) {
            run(system, 32).forEach(line -> LOG.info("{}", line));
        }
    }
}
