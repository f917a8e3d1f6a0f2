package dev.spindle.perf.actors;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;

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
        return pingPong(pairs, hits, 300);
    }

    /** @return messages per second, or 0 if not done within {@code timeoutSeconds} */
    private double pingPong(int pairs, int hits, int timeoutSeconds) throws Exception {
        CountDownLatch done = new CountDownLatch(pairs);
        List<ActorRef<Ping>> players = new ArrayList<>();
        for (int i = 0; i < pairs * 2; i++) {
            players.add(spawn(player(done)));
        }
        long start = System.nanoTime();
        for (int p = 0; p < pairs; p++) {
            players.get(2 * p).tell(new Ping.Serve(players.get(2 * p + 1), hits));
        }
        if (!done.await(timeoutSeconds, TimeUnit.SECONDS)) {
            return 0;
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

    // ---- blocking isolation ---------------------------------------------------------------------

    @Override
    public double blocking(int blockers, int pairs, int hits) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(blockers);
        ActorRef<String> parent = spawn(Behaviors.<String>setup(ctx -> {
            Behavior<String> blocker = Behaviors.receiveMessage(msg -> {
                blocked.countDown();
                release.await();
                return Behaviors.same();
            });
            for (int i = 0; i < blockers; i++) {
                ctx.spawnAnonymous(blocker).tell("block");
            }
            return Behaviors.receiveMessage(msg -> Behaviors.stopped());
        }));
        blocked.await(5, TimeUnit.SECONDS);
        // Settle the freshly made blockers (threads, stacks, cells) into the old generation, as in a
        // service that has run a while; else the measured window holds the one young collection that
        // copies them all (10-30 ms pauses against 2-3 ms without them, measured with -Xlog:gc).
        System.gc();
        try {
            return pingPong(pairs, hits, 30);
        } catch (java.util.concurrent.TimeoutException stalled) {
            // Even spawning the players (through the guardian) needs a dispatcher thread: none is free.
            return 0;
        } finally {
            release.countDown();
            parent.tell("stop");
        }
    }

    // ---- skynet ---------------------------------------------------------------------------------

    static Behavior<Long> skynetNode(long num, long size, ActorRef<Long> parent) {
        return Behaviors.setup(ctx -> {
            if (size == 1) {
                parent.tell(num);
                return Behaviors.stopped();
            }
            long childSize = size / 10;
            for (int i = 0; i < 10; i++) {
                ctx.spawnAnonymous(skynetNode(num + i * childSize, childSize, ctx.getSelf()));
            }
            long[] sum = {0};
            int[] replies = {0};
            return Behaviors.receiveMessage(value -> {
                sum[0] += value;
                if (++replies[0] == 10) {
                    parent.tell(sum[0]);
                    return Behaviors.stopped();
                }
                return Behaviors.same();
            });
        });
    }

    @Override
    public double skynet(int depth) throws Exception {
        long leaves = (long) Math.pow(10, depth);
        CompletableFuture<Long> sum = new CompletableFuture<>();
        ActorRef<Long> root = spawn(Behaviors.receiveMessage(value -> {
            sum.complete(value);
            return Behaviors.stopped();
        }));
        long start = System.nanoTime();
        system.tell(new SpawnProtocol.Spawn<>(skynetNode(0, leaves, root), "", Props.empty(), system.ignoreRef()));
        long result = sum.get(5, TimeUnit.MINUTES);
        long elapsed = System.nanoTime() - start;
        if (result != leaves * (leaves - 1) / 2) {
            throw new IllegalStateException("skynet summed " + result);
        }
        return elapsed / 1e6;
    }

    // ---- offload: pipeToSelf of a future on Pekko's blocking dispatcher, its idiom for off-actor work

    @Override
    public double offload(int count) throws Exception {
        CompletableFuture<Long> elapsed = new CompletableFuture<>();
        spawn(Behaviors.<Long>setup(ctx -> {
            java.util.concurrent.Executor workers = ctx.getSystem().dispatchers()
                    .lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking());
            long start = System.nanoTime();
            ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> 0L, workers), (n, e) -> e == null ? n : -1L);
            return Behaviors.receiveMessage(n -> {
                if (n + 1 == count) {
                    elapsed.complete(System.nanoTime() - start);
                    return Behaviors.stopped();
                }
                long next = n + 1;
                ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> next, workers), (v, e) -> e == null ? v : -1L);
                return Behaviors.same();
            });
        }));
        return count * 1e9 / elapsed.get(5, TimeUnit.MINUTES);
    }

    // ---- Savina: chameneos, big, banking ----------------------------------------------------------

    sealed interface Mall {
        record Open() implements Mall {
        }

        record Arrive(ActorRef<Creature> who, Savina.Color color) implements Mall {
        }

        record Left(int meetings) implements Mall {
        }
    }

    sealed interface Creature {
        record MeetWith(ActorRef<Creature> other, Savina.Color color) implements Creature {
        }

        record Change(Savina.Color color) implements Creature {
        }

        record Exit() implements Creature {
        }
    }

    static Behavior<Creature> creature(ActorRef<Mall> mall, Savina.Color start) {
        return Behaviors.setup(ctx -> {
            mall.tell(new Mall.Arrive(ctx.getSelf(), start));
            Savina.Color[] color = {start};
            int[] meetings = {0};
            return Behaviors.receiveMessage(msg -> {
                switch (msg) {
                    case Creature.MeetWith(ActorRef<Creature> other, Savina.Color theirs) -> {
                        color[0] = color[0].complement(theirs);
                        meetings[0]++;
                        other.tell(new Creature.Change(color[0]));
                        mall.tell(new Mall.Arrive(ctx.getSelf(), color[0]));
                    }
                    case Creature.Change(Savina.Color changed) -> {
                        color[0] = changed;
                        meetings[0]++;
                        mall.tell(new Mall.Arrive(ctx.getSelf(), color[0]));
                    }
                    case Creature.Exit() -> {
                        mall.tell(new Mall.Left(meetings[0]));
                        return Behaviors.stopped();
                    }
                }
                return Behaviors.same();
            });
        });
    }

    static Behavior<Mall> mall(int creatures, int meetings, CompletableFuture<Long> met) {
        Creature.Exit exit = new Creature.Exit();
        return Behaviors.setup(ctx -> {
            Object[] waiting = {null};
            int[] left = {meetings};
            int[] present = {creatures};
            long[] counted = {0};
            return Behaviors.receiveMessage(msg -> {
                switch (msg) {
                    case Mall.Open() -> {
                        for (int i = 0; i < creatures; i++) {
                            ctx.spawnAnonymous(creature(ctx.getSelf(), Savina.Color.of(i)));
                        }
                    }
                    case Mall.Arrive(ActorRef<Creature> who, Savina.Color ignored) when left[0] == 0 -> who.tell(exit);
                    case Mall.Arrive(ActorRef<Creature> who, Savina.Color ignored) when waiting[0] == null -> waiting[0] = who;
                    case Mall.Arrive(ActorRef<Creature> who, Savina.Color color) -> {
                        left[0]--;
                        @SuppressWarnings("unchecked")
                        ActorRef<Creature> first = (ActorRef<Creature>) waiting[0];
                        first.tell(new Creature.MeetWith(who, color));
                        waiting[0] = null;
                    }
                    case Mall.Left(int m) -> {
                        counted[0] += m;
                        if (--present[0] == 0) {
                            met.complete(counted[0]);
                            return Behaviors.stopped();
                        }
                    }
                }
                return Behaviors.same();
            });
        });
    }

    @Override
    public double chameneos(int creatures, int meetings) throws Exception {
        CompletableFuture<Long> met = new CompletableFuture<>();
        ActorRef<Mall> mall = spawn(mall(creatures, meetings, met));
        long start = System.nanoTime();
        mall.tell(new Mall.Open());
        long counted = met.get(5, TimeUnit.MINUTES);
        double rate = meetings * 1e9 / (System.nanoTime() - start);
        if (counted != 2L * meetings) {
            throw new IllegalStateException("chameneos met " + counted + " times, not twice " + meetings);
        }
        return rate;
    }

    sealed interface Big {
        record Neighbors(List<ActorRef<Big>> all) implements Big {
        }

        record Ping(ActorRef<Big> from) implements Big {
        }

        record Pong() implements Big {
        }
    }

    static Behavior<Big> bigActor(int index, int pings, CountDownLatch done) {
        Big.Pong pong = new Big.Pong();
        return Behaviors.setup(ctx -> {
            java.util.SplittableRandom random = new java.util.SplittableRandom(index);
            Object[] all = {null};
            int[] sent = {0};
            Runnable ping = () -> {
                @SuppressWarnings("unchecked")
                List<ActorRef<Big>> neighbors = (List<ActorRef<Big>>) all[0];
                sent[0]++;
                neighbors.get(Savina.other(random, neighbors.size(), index)).tell(new Big.Ping(ctx.getSelf()));
            };
            return Behaviors.receiveMessage(msg -> {
                switch (msg) {
                    case Big.Neighbors(List<ActorRef<Big>> neighbors) -> {
                        all[0] = neighbors;
                        ping.run();
                    }
                    case Big.Ping(ActorRef<Big> from) -> from.tell(pong);
                    case Big.Pong() -> {
                        if (sent[0] == pings) {
                            done.countDown();
                        } else {
                            ping.run();
                        }
                    }
                }
                return Behaviors.same();
            });
        });
    }

    @Override
    public double big(int actors, int pings) throws Exception {
        CountDownLatch done = new CountDownLatch(actors);
        List<ActorRef<Big>> all = new ArrayList<>();
        for (int i = 0; i < actors; i++) {
            all.add(spawn(bigActor(i, pings, done)));
        }
        Big.Neighbors neighbors = new Big.Neighbors(List.copyOf(all));
        long start = System.nanoTime();
        for (ActorRef<Big> actor : all) {
            actor.tell(neighbors);
        }
        if (!done.await(5, TimeUnit.MINUTES)) {
            return 0;
        }
        return 2.0 * actors * pings * 1e9 / (System.nanoTime() - start); // idle now; they end with the JVM
    }

    sealed interface Teller {
        record Open() implements Teller {
        }

        record Done() implements Teller {
        }
    }

    sealed interface Account {
        record Transfer(ActorRef<Account> to, long amount) implements Account {
        }

        record Credit(ActorRef<Account> from, long amount) implements Account {
        }

        record Credited() implements Account {
        }
    }

    /** An account in Pekko's idiom: an idle and a waiting behavior, transfers stashed while waiting. */
    static final class BankAccount {
        private static final Teller.Done DONE = new Teller.Done();
        private static final Account.Credited CREDITED = new Account.Credited();

        private final ActorContext<Account> ctx;
        private final StashBuffer<Account> stash;
        private final ActorRef<Teller> teller;
        private final Behavior<Account> idle = Behaviors.receiveMessage(this::idle);
        private final Behavior<Account> waiting = Behaviors.receiveMessage(this::waiting);
        private long balance;

        private BankAccount(ActorContext<Account> ctx, StashBuffer<Account> stash, ActorRef<Teller> teller) {
            this.ctx = ctx;
            this.stash = stash;
            this.teller = teller;
        }

        static Behavior<Account> create(ActorRef<Teller> teller) {
            return Behaviors.withStash(10_000, stash -> Behaviors.setup(ctx -> new BankAccount(ctx, stash, teller).idle));
        }

        private Behavior<Account> idle(Account msg) {
            switch (msg) {
                case Account.Transfer(ActorRef<Account> to, long amount) -> {
                    balance -= amount;
                    to.tell(new Account.Credit(ctx.getSelf(), amount));
                    return waiting;
                }
                case Account.Credit credit -> credit(credit);
                case Account.Credited() -> throw new IllegalStateException("credited while not waiting");
            }
            return Behaviors.same();
        }

        private Behavior<Account> waiting(Account msg) {
            switch (msg) {
                case Account.Transfer transfer -> stash.stash(transfer);
                case Account.Credit credit -> credit(credit);
                case Account.Credited() -> {
                    teller.tell(DONE);
                    return stash.unstashAll(idle);
                }
            }
            return Behaviors.same();
        }

        private void credit(Account.Credit credit) {
            balance += credit.amount();
            credit.from().tell(CREDITED);
        }
    }

    static Behavior<Teller> teller(int accounts, int transfers, CompletableFuture<Void> finished) {
        return Behaviors.setup(ctx -> {
            int[] completed = {0};
            return Behaviors.receiveMessage(msg -> {
                switch (msg) {
                    case Teller.Open() -> {
                        List<ActorRef<Account>> all = new ArrayList<>(accounts);
                        for (int i = 0; i < accounts; i++) {
                            all.add(ctx.spawnAnonymous(BankAccount.create(ctx.getSelf())));
                        }
                        java.util.SplittableRandom random = Savina.teller();
                        for (int t = 0; t < transfers; t++) {
                            int from = random.nextInt(accounts);
                            int to = Savina.other(random, accounts, from);
                            all.get(from).tell(new Account.Transfer(all.get(to), 1 + random.nextInt(1_000)));
                        }
                    }
                    case Teller.Done() -> {
                        if (++completed[0] == transfers) {
                            finished.complete(null);
                            return Behaviors.stopped();
                        }
                    }
                }
                return Behaviors.same();
            });
        });
    }

    @Override
    public double banking(int accounts, int transfers) throws Exception {
        CompletableFuture<Void> finished = new CompletableFuture<>();
        ActorRef<Teller> teller = spawn(teller(accounts, transfers, finished));
        long start = System.nanoTime();
        teller.tell(new Teller.Open());
        finished.get(5, TimeUnit.MINUTES);
        return transfers * 1e9 / (System.nanoTime() - start);
    }

    @Override
    public double emit(int count) {
        throw new UnsupportedOperationException("Pekko has no EventEmitter; Node is the peer for emit");
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
    public double forkJoinThroughput(int actors, int messages) throws Exception {
        CountDownLatch done = new CountDownLatch(actors);
        List<ActorRef<Integer>> workers = new ArrayList<>();
        for (int a = 0; a < actors; a++) {
            workers.add(spawn(Behaviors.<Integer>setup(ctx -> {
                int[] seen = {0};
                double[] sink = {0};
                return Behaviors.receiveMessage(n -> {
                    sink[0] += Savina.work(n);
                    if (++seen[0] == messages) {
                        done.countDown();
                    }
                    return Behaviors.same();
                });
            })));
        }
        Integer one = 1;
        long start = System.nanoTime();
        for (int m = 0; m < messages; m++) {
            for (ActorRef<Integer> worker : workers) {
                worker.tell(one);
            }
        }
        if (!done.await(5, TimeUnit.MINUTES)) {
            return 0;
        }
        return (double) actors * messages * 1e9 / (System.nanoTime() - start);
    }

    @Override
    public double forkJoinCreation(int actors) throws Exception {
        CountDownLatch done = new CountDownLatch(actors);
        Behavior<Integer> child = Behaviors.receiveMessage(n -> {
            Savina.work(n);
            done.countDown();
            return Behaviors.stopped();
        });
        ActorRef<Integer> parent = spawn(Behaviors.<Integer>setup(ctx -> Behaviors.receiveMessage(count -> {
            for (int i = 0; i < count; i++) {
                ctx.spawnAnonymous(child).tell(i);
            }
            return Behaviors.same();
        })));
        long start = System.nanoTime();
        parent.tell(actors);
        if (!done.await(5, TimeUnit.MINUTES)) {
            return 0;
        }
        return actors * 1e9 / (System.nanoTime() - start);
    }

    // ---- Savina: thread ring, counting -----------------------------------------------------------

    /** A ring member's link to the next, acknowledged once set. */
    record Link(ActorRef<Object> next, CountDownLatch linked) {
    }

    @Override
    @SuppressWarnings("unchecked")
    public double threadRing(int actors, int hops) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        List<ActorRef<Object>> ring = new ArrayList<>();
        for (int i = 0; i < actors; i++) {
            ring.add(spawn(Behaviors.<Object>setup(ctx -> {
                Object[] next = {null};
                return Behaviors.receiveMessage(msg -> {
                    switch (msg) {
                        case Link link -> {
                            next[0] = link.next();
                            link.linked().countDown();
                        }
                        case Integer left when left == 0 -> done.countDown();
                        case Integer left -> ((ActorRef<Object>) next[0]).tell(left - 1);
                        default -> throw new IllegalArgumentException(String.valueOf(msg));
                    }
                    return Behaviors.same();
                });
            })));
        }
        CountDownLatch linked = new CountDownLatch(actors);
        for (int i = 0; i < actors; i++) {
            ring.get(i).tell(new Link(ring.get((i + 1) % actors), linked));
        }
        linked.await(30, TimeUnit.SECONDS);
        long start = System.nanoTime();
        ring.getFirst().tell(hops);
        if (!done.await(5, TimeUnit.MINUTES)) {
            return 0;
        }
        return hops * 1e9 / (System.nanoTime() - start);
    }

    @Override
    public double counting(int messages) throws Exception {
        CompletableFuture<Long> counted = new CompletableFuture<>();
        ActorRef<Object> counter = spawn(Behaviors.<Object>setup(ctx -> {
            long[] count = {0};
            return Behaviors.receiveMessage(msg -> {
                if (msg instanceof CompletableFuture<?> asked) {
                    counted.complete(count[0]);
                } else {
                    count[0]++;
                }
                return Behaviors.same();
            });
        }));
        Integer one = 1;
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            counter.tell(one);
        }
        counter.tell(counted);
        long total = counted.get(5, TimeUnit.MINUTES);
        double rate = messages * 1e9 / (System.nanoTime() - start);
        if (total != messages) {
            throw new IllegalStateException("counted " + total + " of " + messages);
        }
        return rate;
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
