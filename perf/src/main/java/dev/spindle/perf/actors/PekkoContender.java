package dev.spindle.perf.actors;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Apache Pekko typed 1.1.5 with its defaults (fork-join dispatcher, throughput 5). Top-level actors
 * are spawned through {@link SpawnProtocol}, outside the timed part.
 */
final class PekkoContender implements Contender {

    private static final Duration SETUP = Duration.ofSeconds(30);

    private final ActorSystem<SpawnProtocol.Command> system = ActorSystem.create(SpawnProtocol.create(), "bench");
    private ActorRef<Spawn> spawner;

    private <T> ActorRef<T> spawn(Behavior<T> behavior) throws Exception {
        return AskPattern.<SpawnProtocol.Command, ActorRef<T>>ask(system,
                        replyTo -> new SpawnProtocol.Spawn<>(behavior, "", Props.empty(), replyTo), SETUP,
                        system.scheduler())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    // ---- ping-pong ------------------------------------------------------------------------------

    sealed interface Ping {
        record Serve(ActorRef<Ping> peer, int hits) implements Ping {
        }

        record Ball(ActorRef<Ping> from, int left) implements Ping {
        }
    }

    static Behavior<Ping> player(CountDownLatch done) {
        return Behaviors.setup(ctx -> Behaviors.receiveMessage(msg -> {
            switch (msg) {
                case Ping.Serve(ActorRef<Ping> peer, int hits) -> peer.tell(new Ping.Ball(ctx.getSelf(), hits));
                case Ping.Ball(ActorRef<Ping> from, int left) -> {
                    if (left == 0) {
                        done.countDown();
                    } else {
                        from.tell(new Ping.Ball(ctx.getSelf(), left - 1));
                    }
                }
            }
            return Behaviors.same();
        }));
    }

    @Override
    public double pingPong(int pairs, int hits) throws Exception {
        CountDownLatch done = new CountDownLatch(pairs);
        List<ActorRef<Ping>> players = new ArrayList<>();
        for (int i = 0; i < pairs * 2; i++) {
            players.add(spawn(player(done)));
        }
        long start = System.nanoTime();
        for (int p = 0; p < pairs; p++) {
            players.get(2 * p).tell(new Ping.Serve(players.get(2 * p + 1), hits));
        }
        if (!done.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("ping-pong did not finish");
        }
        long elapsed = System.nanoTime() - start;
        return (double) pairs * (hits + 1) * 1e9 / elapsed;
    }

    // ---- fan-in ---------------------------------------------------------------------------------

    sealed interface Sink {
        record Item(ActorRef<Source> from, int seq) implements Sink {
        }
    }

    sealed interface Source {
        record Go(ActorRef<Sink> to) implements Source {
        }

        record Ack() implements Source {
        }
    }

    static Behavior<Sink> receiver(int window, int total, CountDownLatch done) {
        int[] received = {0};
        Source.Ack ack = new Source.Ack();
        return Behaviors.receiveMessage(msg -> {
            Sink.Item item = (Sink.Item) msg;
            if ((item.seq() + 1) % window == 0) {
                item.from().tell(ack);
            }
            if (++received[0] == total) {
                done.countDown();
            }
            return Behaviors.same();
        });
    }

    static Behavior<Source> sender(int messages, int window) {
        return Behaviors.setup(ctx -> {
            List<ActorRef<Sink>> to = new ArrayList<>(1);
            int[] sent = {0};
            return Behaviors.receiveMessage(msg -> {
                if (msg instanceof Source.Go(ActorRef<Sink> target)) {
                    to.add(target);
                }
                int end = Math.min(messages, sent[0] + window);
                while (sent[0] < end) {
                    to.getFirst().tell(new Sink.Item(ctx.getSelf(), sent[0]++));
                }
                return Behaviors.same();
            });
        });
    }

    @Override
    public double fanIn(int senders, int messages, int window) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        ActorRef<Sink> sink = spawn(receiver(window, senders * messages, done));
        List<ActorRef<Source>> sources = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            sources.add(spawn(sender(messages, window)));
        }
        long start = System.nanoTime();
        for (ActorRef<Source> source : sources) {
            source.tell(new Source.Go(sink));
            source.tell(new Source.Ack());
        }
        if (!done.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("fan-in did not finish");
        }
        long elapsed = System.nanoTime() - start;
        return (double) senders * messages * 1e9 / elapsed;
    }

    // ---- spawn ----------------------------------------------------------------------------------

    record Spawn(int count, CompletableFuture<Long> elapsed) {
    }

    @Override
    public long spawn(int count) throws Exception {
        CompletableFuture<Long> elapsed = new CompletableFuture<>();
        spawner = spawn(Behaviors.setup(ctx -> Behaviors.receiveMessage(msg -> {
            if (msg.count() < 0) {
                return Behaviors.stopped();
            }
            Behavior<Object> idle = Behaviors.ignore();
            long start = System.nanoTime();
            for (int i = 0; i < msg.count(); i++) {
                ctx.spawnAnonymous(idle);
            }
            msg.elapsed().complete(System.nanoTime() - start);
            return Behaviors.same();
        })));
        spawner.tell(new Spawn(count, elapsed));
        return elapsed.get(5, TimeUnit.MINUTES);
    }

    @Override
    public void release() throws Exception {
        CompletableFuture<Void> gone = new CompletableFuture<>();
        ActorRef<Spawn> parent = spawner;
        spawn(Behaviors.setup(ctx -> {
            ctx.watch(parent);
            return Behaviors.receive(Object.class).onSignal(Terminated.class, t -> {
                gone.complete(null);
                return Behaviors.stopped();
            }).build();
        }));
        parent.tell(new Spawn(-1, null));
        gone.get(5, TimeUnit.MINUTES);
        spawner = null;
    }

    @Override
    public void close() {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
    }
}
