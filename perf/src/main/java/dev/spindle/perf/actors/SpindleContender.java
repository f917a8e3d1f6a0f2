package dev.spindle.perf.actors;

import dev.spindle.actors.ActorContext;
import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Spindle with its defaults. */
final class SpindleContender implements Contender {

    private final ActorSystem system = ActorSystem.create("bench");
    private ActorRef<Spawn> spawner;

    // ---- ping-pong ------------------------------------------------------------------------------

    sealed interface Ping {
        record Serve(ActorRef<Ping> peer, int hits, CountDownLatch done) implements Ping {
        }

        record Ball(ActorRef<Ping> from, int left) implements Ping {
        }
    }

    static Behavior<Ping> player(CountDownLatch done) {
        return (ctx, msg) -> {
            switch (msg) {
                case Ping.Serve(ActorRef<Ping> peer, int hits, CountDownLatch ignored) ->
                        peer.tell(new Ping.Ball(ctx.self(), hits));
                case Ping.Ball(ActorRef<Ping> from, int left) -> {
                    if (left == 0) {
                        done.countDown();
                    } else {
                        from.tell(new Ping.Ball(ctx.self(), left - 1));
                    }
                }
            }
            return Behavior.same();
        };
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
            players.add(system.spawnAnonymous(player(done)));
        }
        long start = System.nanoTime();
        for (int p = 0; p < pairs; p++) {
            players.get(2 * p).tell(new Ping.Serve(players.get(2 * p + 1), hits, done));
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
        return (ctx, msg) -> {
            Sink.Item item = (Sink.Item) msg;
            if ((item.seq() + 1) % window == 0) {
                item.from().tell(ack);
            }
            if (++received[0] == total) {
                done.countDown();
            }
            return Behavior.same();
        };
    }

    static Behavior<Source> sender(int messages, int window) {
        return Behavior.setup(ctx -> new Behavior<>() {
            private ActorRef<Sink> to;
            private int sent;

            @Override
            public Behavior<Source> receive(ActorContext<Source> c, Source msg) {
                if (msg instanceof Source.Go(ActorRef<Sink> target)) {
                    to = target;
                }
                // A window now, the next one on the receiver's ack: at most 2 windows in flight.
                int end = Math.min(messages, sent + window);
                while (sent < end) {
                    to.tell(new Sink.Item(c.self(), sent++));
                }
                return Behavior.same();
            }
        });
    }

    @Override
    public double fanIn(int senders, int messages, int window) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        ActorRef<Sink> sink = system.spawnAnonymous(receiver(window, senders * messages, done));
        List<ActorRef<Source>> sources = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            sources.add(system.spawnAnonymous(sender(messages, window)));
        }
        long start = System.nanoTime();
        for (ActorRef<Source> source : sources) {
            // Two windows in flight per sender: the first two sends.
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
        ActorRef<String> parent = system.spawnAnonymous(Behavior.<String>setup(ctx -> {
            Behavior<String> blocker = (c, msg) -> {
                blocked.countDown();
                release.await();
                return Behavior.same();
            };
            for (int i = 0; i < blockers; i++) {
                ctx.spawnAnonymous(blocker).tell("block");
            }
            return (c, msg) -> Behavior.stopped();
        }));
        blocked.await(5, TimeUnit.SECONDS);
        // Settle the freshly made blockers (threads, stacks, cells) into the old generation, as in a
        // service that has run a while; else the measured window holds the one young collection that
        // copies them all (10-30 ms pauses against 2-3 ms without them, measured with -Xlog:gc).
        System.gc();
        try {
            return pingPong(pairs, hits, 30);
        } finally {
            release.countDown();
            parent.tell("stop");
        }
    }

    // ---- skynet ---------------------------------------------------------------------------------

    static Behavior<Long> skynetNode(long num, long size, ActorRef<Long> parent) {
        return Behavior.setup(ctx -> {
            if (size == 1) {
                parent.tell(num);
                return Behavior.stopped();
            }
            long childSize = size / 10;
            for (int i = 0; i < 10; i++) {
                ctx.spawnAnonymous(skynetNode(num + i * childSize, childSize, ctx.self()));
            }
            long[] sum = {0};
            int[] replies = {0};
            return (c, value) -> {
                sum[0] += value;
                if (++replies[0] == 10) {
                    parent.tell(sum[0]);
                    return Behavior.stopped();
                }
                return Behavior.same();
            };
        });
    }

    @Override
    public double skynet(int depth) throws Exception {
        long leaves = (long) Math.pow(10, depth);
        CompletableFuture<Long> sum = new CompletableFuture<>();
        ActorRef<Long> root = system.spawnAnonymous((ctx, value) -> {
            sum.complete(value);
            return Behavior.stopped();
        });
        long start = System.nanoTime();
        system.spawnAnonymous(skynetNode(0, leaves, root));
        long result = sum.get(5, TimeUnit.MINUTES);
        long elapsed = System.nanoTime() - start;
        if (result != leaves * (leaves - 1) / 2) {
            throw new IllegalStateException("skynet summed " + result);
        }
        return elapsed / 1e6;
    }

    // ---- offload --------------------------------------------------------------------------------

    @Override
    public double offload(int count) throws Exception {
        CompletableFuture<Long> elapsed = new CompletableFuture<>();
        system.spawnAnonymous(Behavior.<Long>setup(ctx -> {
            long start = System.nanoTime();
            ctx.offload(() -> 0L, n -> n, e -> -1L);
            return (c, n) -> {
                if (n + 1 == count) {
                    elapsed.complete(System.nanoTime() - start);
                    return Behavior.stopped();
                }
                long next = n + 1;
                c.offload(() -> next, v -> v, e -> -1L);
                return Behavior.same();
            };
        }));
        return count * 1e9 / elapsed.get(5, TimeUnit.MINUTES);
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
            ring.add(system.spawnAnonymous(Behavior.<Object>setup(ctx -> {
                Object[] next = {null};
                return (c, msg) -> {
                    switch (msg) {
                        case Link link -> {
                            next[0] = link.next();
                            link.linked().countDown();
                        }
                        case Integer left when left == 0 -> done.countDown();
                        case Integer left -> ((ActorRef<Object>) next[0]).tell(left - 1);
                        default -> throw new IllegalArgumentException(String.valueOf(msg));
                    }
                    return Behavior.same();
                };
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
        return hops * 1e9 / (System.nanoTime() - start); // the JVM ends with the run: no clean-up
    }

    @Override
    public double counting(int messages) throws Exception {
        CompletableFuture<Long> counted = new CompletableFuture<>();
        ActorRef<Object> counter = system.spawnAnonymous(Behavior.<Object>setup(ctx -> {
            long[] count = {0};
            return (c, msg) -> {
                if (msg instanceof CompletableFuture<?> asked) {
                    counted.complete(count[0]);
                } else {
                    count[0]++;
                }
                return Behavior.same();
            };
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
    public double forkJoinThroughput(int actors, int messages) throws Exception {
        CountDownLatch done = new CountDownLatch(actors);
        List<ActorRef<Integer>> workers = new ArrayList<>();
        for (int a = 0; a < actors; a++) {
            workers.add(system.spawnAnonymous(Behavior.<Integer>setup(ctx -> {
                int[] seen = {0};
                double[] sink = {0};
                return (c, n) -> {
                    sink[0] += Savina.work(n);
                    if (++seen[0] == messages) {
                        done.countDown();
                    }
                    return Behavior.same();
                };
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
        Behavior<Integer> child = (c, n) -> {
            Savina.work(n);
            done.countDown();
            return Behavior.stopped();
        };
        ActorRef<Integer> parent = system.spawnAnonymous((ctx, count) -> {
            for (int i = 0; i < count; i++) {
                ctx.spawnAnonymous(child).tell(i);
            }
            return Behavior.same();
        });
        long start = System.nanoTime();
        parent.tell(actors);
        if (!done.await(5, TimeUnit.MINUTES)) {
            return 0;
        }
        return actors * 1e9 / (System.nanoTime() - start);
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
        return Behavior.setup(ctx -> {
            mall.tell(new Mall.Arrive(ctx.self(), start));
            return new Behavior<>() {
                private Savina.Color color = start;
                private int meetings;

                @Override
                public Behavior<Creature> receive(ActorContext<Creature> c, Creature msg) {
                    switch (msg) {
                        case Creature.MeetWith(ActorRef<Creature> other, Savina.Color theirs) -> {
                            color = color.complement(theirs);
                            meetings++;
                            other.tell(new Creature.Change(color));
                            mall.tell(new Mall.Arrive(c.self(), color));
                        }
                        case Creature.Change(Savina.Color changed) -> {
                            color = changed;
                            meetings++;
                            mall.tell(new Mall.Arrive(c.self(), color));
                        }
                        case Creature.Exit() -> {
                            mall.tell(new Mall.Left(meetings));
                            return Behavior.stopped();
                        }
                    }
                    return Behavior.same();
                }
            };
        });
    }

    static Behavior<Mall> mall(int creatures, int meetings, CompletableFuture<Long> met) {
        Creature.Exit exit = new Creature.Exit();
        return new Behavior<>() {
            private ActorRef<Creature> waiting;
            private int left = meetings;
            private int present = creatures;
            private long counted;

            @Override
            public Behavior<Mall> receive(ActorContext<Mall> c, Mall msg) {
                switch (msg) {
                    case Mall.Open() -> {
                        for (int i = 0; i < creatures; i++) {
                            c.spawnAnonymous(creature(c.self(), Savina.Color.of(i)));
                        }
                    }
                    case Mall.Arrive(ActorRef<Creature> who, Savina.Color ignored) when left == 0 -> who.tell(exit);
                    case Mall.Arrive(ActorRef<Creature> who, Savina.Color ignored) when waiting == null -> waiting = who;
                    case Mall.Arrive(ActorRef<Creature> who, Savina.Color color) -> {
                        left--;
                        waiting.tell(new Creature.MeetWith(who, color));
                        waiting = null;
                    }
                    case Mall.Left(int m) -> {
                        counted += m;
                        if (--present == 0) {
                            met.complete(counted);
                            return Behavior.stopped();
                        }
                    }
                }
                return Behavior.same();
            }
        };
    }

    @Override
    public double chameneos(int creatures, int meetings) throws Exception {
        CompletableFuture<Long> met = new CompletableFuture<>();
        ActorRef<Mall> mall = system.spawnAnonymous(mall(creatures, meetings, met));
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
        return new Behavior<>() {
            private final SplittableRandom random = new SplittableRandom(index);
            private List<ActorRef<Big>> all;
            private int sent;

            @Override
            public Behavior<Big> receive(ActorContext<Big> c, Big msg) {
                switch (msg) {
                    case Big.Neighbors(List<ActorRef<Big>> neighbors) -> {
                        all = neighbors;
                        ping(c);
                    }
                    case Big.Ping(ActorRef<Big> from) -> from.tell(pong);
                    case Big.Pong() -> {
                        if (sent == pings) {
                            done.countDown();
                        } else {
                            ping(c);
                        }
                    }
                }
                return Behavior.same();
            }

            private void ping(ActorContext<Big> c) {
                sent++;
                all.get(Savina.other(random, all.size(), index)).tell(new Big.Ping(c.self()));
            }
        };
    }

    @Override
    public double big(int actors, int pings) throws Exception {
        CountDownLatch done = new CountDownLatch(actors);
        List<ActorRef<Big>> all = new ArrayList<>();
        for (int i = 0; i < actors; i++) {
            all.add(system.spawnAnonymous(bigActor(i, pings, done)));
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

    static Behavior<Account> account(ActorRef<Teller> teller) {
        Teller.Done done = new Teller.Done();
        Account.Credited credited = new Account.Credited();
        return new Behavior<>() {
            private long balance;
            private boolean waiting;

            @Override
            public Behavior<Account> receive(ActorContext<Account> c, Account msg) {
                switch (msg) {
                    case Account.Transfer ignored when waiting -> c.stash();
                    case Account.Transfer(ActorRef<Account> to, long amount) -> {
                        balance -= amount;
                        to.tell(new Account.Credit(c.self(), amount));
                        waiting = true;
                    }
                    case Account.Credit(ActorRef<Account> from, long amount) -> {
                        balance += amount;
                        from.tell(credited);
                    }
                    case Account.Credited() -> {
                        waiting = false;
                        teller.tell(done);
                        c.unstashAll();
                    }
                }
                return Behavior.same();
            }
        };
    }

    static Behavior<Teller> teller(int accounts, int transfers, CompletableFuture<Void> finished) {
        return new Behavior<>() {
            private int completed;

            @Override
            public Behavior<Teller> receive(ActorContext<Teller> c, Teller msg) {
                switch (msg) {
                    case Teller.Open() -> {
                        List<ActorRef<Account>> all = new ArrayList<>(accounts);
                        for (int i = 0; i < accounts; i++) {
                            all.add(c.spawnAnonymous(account(c.self())));
                        }
                        SplittableRandom random = Savina.teller();
                        for (int t = 0; t < transfers; t++) {
                            int from = random.nextInt(accounts);
                            int to = Savina.other(random, accounts, from);
                            all.get(from).tell(new Account.Transfer(all.get(to), 1 + random.nextInt(1_000)));
                        }
                    }
                    case Teller.Done() -> {
                        if (++completed == transfers) {
                            finished.complete(null);
                            return Behavior.stopped();
                        }
                    }
                }
                return Behavior.same();
            }
        };
    }

    @Override
    public double banking(int accounts, int transfers) throws Exception {
        CompletableFuture<Void> finished = new CompletableFuture<>();
        ActorRef<Teller> teller = system.spawnAnonymous(teller(accounts, transfers, finished));
        long start = System.nanoTime();
        teller.tell(new Teller.Open());
        finished.get(5, TimeUnit.MINUTES);
        return transfers * 1e9 / (System.nanoTime() - start);
    }

    // ---- emit -----------------------------------------------------------------------------------

    static final dev.spindle.actors.EventKey<String> TICK = dev.spindle.actors.EventKey.of("tick", String.class);

    @Override
    public double emit(int count) throws Exception {
        CompletableFuture<Double> rate = new CompletableFuture<>();
        ActorRef<String> emitter = system.spawnAnonymous(Behavior.<String>setup(ctx -> {
            long[] heard = {0};
            ctx.events().on(TICK, value -> heard[0]++);
            return (c, msg) -> {
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    c.events().emit(TICK, msg);
                }
                long elapsed = System.nanoTime() - start;
                if (heard[0] % count != 0) {
                    throw new IllegalStateException("heard " + heard[0]);
                }
                rate.complete(count * 1e9 / elapsed);
                return Behavior.stopped();
            };
        }));
        emitter.tell("tick");
        return rate.get(5, TimeUnit.MINUTES);
    }

    // ---- spawn ----------------------------------------------------------------------------------

    /** Spawn {@code count} idle children; a negative count stops the spawner (and so its children). */
    record Spawn(int count, CompletableFuture<Long> elapsed) {
    }

    @Override
    public long spawn(int count) throws Exception {
        CompletableFuture<Long> elapsed = new CompletableFuture<>();
        spawner = system.spawnAnonymous((ctx, msg) -> {
            if (msg.count() < 0) {
                return Behavior.stopped();
            }
            Behavior<Object> idle = Behavior.ignore();
            long start = System.nanoTime();
            for (int i = 0; i < msg.count(); i++) {
                ctx.spawnAnonymous(idle);
            }
            msg.elapsed().complete(System.nanoTime() - start);
            return Behavior.same();
        });
        spawner.tell(new Spawn(count, elapsed));
        return elapsed.get(5, TimeUnit.MINUTES);
    }

    @Override
    public void release() throws Exception {
        CompletableFuture<Void> gone = new CompletableFuture<>();
        ActorRef<Spawn> parent = spawner;
        system.spawnAnonymous(Behavior.<Object>setup(ctx -> {
            ctx.watch(parent);
            return Behavior.<Object>ignore().onSignal((c, signal) -> {
                gone.complete(null);
                return Behavior.stopped();
            });
        }));
        // Stopping the parent stops its children first; the watcher hears when all are gone.
        parent.tell(new Spawn(-1, null));
        gone.get(5, TimeUnit.MINUTES);
        spawner = null;
    }

    @Override
    public void close() {
        system.close();
    }
}
