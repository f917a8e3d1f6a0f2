package dev.spindle.cluster;

import dev.spindle.actors.testkit.RecordingLogs;
import dev.spindle.actors.ActorRef;
import dev.spindle.actors.DeadLetter;
import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.actors.testkit.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** A primary (this JVM) and real worker processes ({@link TestWorker}) on this machine. */
@Timeout(120)
class ClusterTest {

    private static final ClusterConfig CONFIG = TestWorker.CONFIG;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ActorTestKit kit = ActorTestKit.create();
    private final TestProbe<ClusterEvent> events = kit.createProbe();
    /** Every event received, in order. */
    private final List<ClusterEvent> seen = new ArrayList<>();
    private ClusterPrimary primary;

    @AfterEach
    void close() {
        if (primary != null) {
            primary.close(); // every worker process ends, even after a failure
        }
        kit.close();
    }

    private ClusterPrimary start(ClusterConfig config) throws IOException {
        primary = Cluster.startPrimary(kit.system(), config, events.ref());
        return primary;
    }

    /** {@return whether this kernel hands a closing listener's queued connections to the others of its port} */
    private static boolean migratesQueuedConnections() throws IOException {
        java.nio.file.Path sysctl = java.nio.file.Path.of("/proc/sys/net/ipv4/tcp_migrate_req");
        return java.nio.file.Files.exists(sysctl) && java.nio.file.Files.readString(sysctl).strip().equals("1");
    }

    /** {@return a port nothing listens on now} */
    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** {@return the next event that matches, after skipping (and recording) others} */
    @SuppressWarnings("unchecked")
    private <E extends ClusterEvent> E await(Class<E> type, Predicate<? super E> matching) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            assertThat(left.isNegative()).as("a %s within %s; saw %s", type.getSimpleName(), WAIT, seen).isFalse();
            ClusterEvent event = events.receiveMessage(left);
            seen.add(event);
            if (type.isInstance(event) && matching.test((E) event)) {
                return (E) event;
            }
        }
    }

    private void awaitOnline(int workers) {
        for (int i = 0; i < workers; i++) {
            await(ClusterEvent.Online.class, e -> true);
        }
    }

    @Test
    void shouldForkWorkersExchangeMessagesAndStopThemAll() throws Exception {
        ClusterPrimary cluster = start(CONFIG.withWorkerMain(TestWorker.class, "echo"));
        awaitOnline(2);
        assertThat(cluster.workers()).extracting(Worker::id).containsExactly(1, 2);
        assertThat(cluster.workers()).allSatisfy(w -> assertThat(w.isConnected()).isTrue());
        for (Worker worker : cluster.workers()) {
            assertThat(worker.send("hello")).isTrue();
            ClusterEvent.Message answer = await(ClusterEvent.Message.class, m -> m.worker() == worker);
            assertThat(answer.message()).isEqualTo("echo hello from " + worker.id());
        }
        // In order, from one sender: 200 messages come back in order.
        Worker first = cluster.worker(1);
        for (int i = 0; i < 200; i++) {
            first.send(Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
        }
        for (int i = 0; i < 200; i++) {
            ClusterEvent.Message m = await(ClusterEvent.Message.class, e -> e.worker() == first);
            assertThat(new String((byte[]) m.message(), StandardCharsets.US_ASCII)).isEqualTo(Integer.toString(i));
        }
        ClusterStats stats = cluster.stats();
        assertThat(stats.workers()).isEqualTo(2);
        assertThat(stats.workersUp()).isEqualTo(2);
        assertThat(stats.restarts()).isZero();
        assertThat(stats.givenUp()).isZero();
        assertThat(stats.ipc().framesSent()).as("2 + 200 messages, and heartbeats").isGreaterThanOrEqualTo(202);
        assertThat(stats.ipc().framesReceived()).as("the echoes, and heartbeats").isGreaterThanOrEqualTo(202);
        assertThat(stats.ipc().bytesSent()).isGreaterThan(stats.ipc().framesSent());
        assertThat(stats.ipc().undelivered()).isZero();

        cluster.close();
        for (int i = 0; i < 2; i++) {
            ClusterEvent.Exited exited = await(ClusterEvent.Exited.class, e -> true);
            assertThat(exited.restarting()).isFalse();
            assertThat(exited.code()).isZero();
        }
        // Per worker: Forked, Online, ..., Disconnected, Exited.
        for (Worker worker : cluster.workers()) {
            List<String> order = seen.stream().filter(e -> workerOf(e) == worker)
                    .filter(e -> !(e instanceof ClusterEvent.Message)).map(e -> e.getClass().getSimpleName()).toList();
            assertThat(order).containsExactly("Forked", "Online", "Disconnected", "Exited");
            assertThat(worker.send("late")).isFalse();
            assertThat(worker.undelivered()).isEqualTo(1);
        }
    }

    @Test
    void shouldRestartAWorkerThatCrashesIsKilledOrRunsOutOfMemory() throws Exception {
        ClusterPrimary cluster = start(CONFIG.withWorkerMain(TestWorker.class, "echo").withExtraJvmArgs("-Xmx64m"));
        awaitOnline(2);
        Worker worker = cluster.worker(1);
        long firstPid = worker.pid().orElseThrow();

        worker.send("crash");
        ClusterEvent.Exited crashed = await(ClusterEvent.Exited.class, e -> e.worker() == worker);
        assertThat(crashed.code()).isEqualTo(3);
        assertThat(crashed.signal()).isNull();
        assertThat(crashed.restarting()).isTrue();
        await(ClusterEvent.Online.class, e -> e.worker() == worker);
        assertThat(worker.incarnation()).isEqualTo(2);
        long secondPid = worker.pid().orElseThrow();
        assertThat(secondPid).isNotEqualTo(firstPid);

        // kill -9 from outside
        ProcessHandle.of(secondPid).orElseThrow().destroyForcibly();
        ClusterEvent.Exited killed = await(ClusterEvent.Exited.class, e -> e.worker() == worker);
        assertThat(killed.signal()).isEqualTo("SIGKILL");
        assertThat(killed.restarting()).isTrue();
        await(ClusterEvent.Online.class, e -> e.worker() == worker);
        worker.send("again");
        assertThat(await(ClusterEvent.Message.class, m -> m.worker() == worker).message()).isEqualTo("echo again from 1");

        // out of memory: the worker exits (ExitOnOutOfMemoryError, code 3) instead of limping on
        worker.send("oom");
        ClusterEvent.Exited outOfMemory = await(ClusterEvent.Exited.class, e -> e.worker() == worker);
        assertThat(outOfMemory.code()).isEqualTo(3);
        assertThat(java.nio.file.Files.readString(CONFIG.workerLogs().resolve("worker-1.log")))
                .as("the worker's output went to its log").contains("OutOfMemoryError");
        assertThat(outOfMemory.restarting()).isTrue();
        await(ClusterEvent.Online.class, e -> e.worker() == worker);

        // the other worker never noticed
        assertThat(cluster.worker(2).incarnation()).isEqualTo(1);
    }

    @Test
    void shouldTellAndAskActorsInOtherProcessesByName() throws Exception {
        ClusterPrimary cluster = start(CONFIG.withWorkerMain(TestWorker.class, "relay"));
        for (int i = 0; i < 2; i++) {
            await(ClusterEvent.Message.class, m -> m.message().equals("ready"));
        }
        TestProbe<String> probe = kit.createProbe();
        cluster.expose("probe", probe.ref());
        // primary -> worker 1 -> (through the primary) worker 2 -> primary, in order
        ActorRef<String> relay = cluster.remote(1, "relay");
        for (int i = 0; i < 200; i++) {
            relay.tell("m" + i);
        }
        for (int i = 0; i < 200; i++) {
            probe.expectMessage(Duration.ofSeconds(10), "m" + i + " w1 w2");
        }
        // ask across processes: the reply-to ref crosses in the codec
        ActorRef<TestWorker.Double> doubler = cluster.remote(2, "doubler");
        assertThat(doubler.<Integer>ask(reply -> new TestWorker.Double(21, reply), Duration.ofSeconds(10))
                .toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(42);
        // a name nobody exposes, and a process that has gone: dead letters, not hangs
        long before = kit.system().deadLetters().count(DeadLetter.Reason.STOPPED);
        cluster.<String>remote(ClusterNode.PRIMARY, "nobody").tell("lost");
        Worker second = cluster.worker(2);
        second.disconnect();
        await(ClusterEvent.Exited.class, e -> e.worker() == second);
        ActorRef<String> gone = cluster.remote(2, "relay");
        gone.tell("lost too");
        relay.tell("lost on the way"); // worker 1 passes it to worker 2, gone: the primary has it
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (kit.system().deadLetters().count(DeadLetter.Reason.STOPPED) < before + 3) {
            assertThat(System.nanoTime() - deadline).as("three dead letters within %s", WAIT).isNegative();
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        assertThat(doubler.<Integer>ask(reply -> new TestWorker.Double(1, reply), Duration.ofMillis(300))
                .toCompletableFuture()).failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(dev.spindle.actors.AskTimeoutException.class);
    }

    @Test
    void shouldStopRestartingAWorkerInACrashLoop() throws Exception {
        ClusterConfig crashing = CONFIG.withWorkers(1).withWorkerMain(TestWorker.class, "crash")
                .withRestarts(Duration.ofMillis(10), Duration.ofMillis(50), 2, Duration.ofMinutes(1));
        start(crashing);
        ClusterEvent.GaveUp gaveUp = await(ClusterEvent.GaveUp.class, e -> true);
        assertThat(gaveUp.crashes()).isEqualTo(3);
        assertThat(seen.stream().filter(e -> e instanceof ClusterEvent.Forked).count()).isEqualTo(3);
        List<Boolean> restarting = seen.stream().filter(e -> e instanceof ClusterEvent.Exited)
                .map(e -> ((ClusterEvent.Exited) e).restarting()).toList();
        assertThat(restarting).containsExactly(true, true, false);
        assertThat(await(ClusterEvent.AllGaveUp.class, e -> true).retryAfter()).isNull(); // its only worker
        assertThat(primary.stats()).satisfies(stats -> {
            assertThat(stats.restarts()).isEqualTo(2);
            assertThat(stats.givenUp()).isEqualTo(1);
            assertThat(stats.workersUp()).isZero();
        });
        events.expectNoMessage(Duration.ofMillis(300));
    }

    @Test
    void shouldCloseAndFailTerminatedWhenEveryWorkerIsGivenUp() throws Exception {
        ClusterPrimary cluster = start(CONFIG.withWorkerMain(TestWorker.class, "crash")
                .withRestarts(Duration.ofMillis(10), Duration.ofMillis(50), 1, Duration.ofMinutes(1)));
        await(ClusterEvent.GaveUp.class, e -> true);
        await(ClusterEvent.GaveUp.class, e -> true);
        assertThat(await(ClusterEvent.AllGaveUp.class, e -> true).retryAfter()).isNull();
        // what main acts on (exit non-zero): the primary has closed, every file gone
        assertThat(cluster.terminated().toCompletableFuture()).failsWithin(WAIT)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(IllegalStateException.class)
                .withMessageContaining("every worker was given up");
        assertThat(RecordingLogs.containing("every worker (2) was given up")).hasSize(1);
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)).isEmpty();
    }

    @Test
    void shouldRetryEveryGivenUpWorkerAfterTheCoolDown() throws Exception {
        Duration coolDown = Duration.ofMillis(500);
        ClusterPrimary cluster = start(CONFIG.withWorkerMain(TestWorker.class, "crash")
                .withRestarts(Duration.ofMillis(10), Duration.ofMillis(50), 1, Duration.ofMinutes(1))
                .withRetryGivenUpAfter(coolDown));
        // Each worker's cool-down runs from its own give-up (they need not crash in step: 200 ms
        // apart was seen), so each retry is timed from that worker's GaveUp.
        Map<Worker, Long> gaveUpAt = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            gaveUpAt.put(await(ClusterEvent.GaveUp.class, e -> true).worker(), System.nanoTime());
        }
        assertThat(await(ClusterEvent.AllGaveUp.class, e -> true).retryAfter()).isEqualTo(coolDown);
        // each is tried again after the cool-down, with a fresh crash count: two forks each, given up again
        for (int i = 0; i < 2; i++) {
            Worker worker = await(ClusterEvent.Forked.class, e -> true).worker();
            // Both times are when this thread saw the events, each late by its own scheduling
            // delay: a retry at once (the 10 ms restart backoff) would come well under half the
            // cool-down, a retry after it cannot.
            assertThat(Duration.ofNanos(System.nanoTime() - gaveUpAt.get(worker))).as("worker %s tried again after", worker)
                    .isGreaterThanOrEqualTo(coolDown.dividedBy(2));
        }
        assertThat(await(ClusterEvent.AllGaveUp.class, e -> true).retryAfter()).isEqualTo(coolDown);
        assertThat(cluster.worker(1).incarnation()).isEqualTo(4);
        assertThat(cluster.worker(2).incarnation()).isEqualTo(4);
        assertThat(cluster.terminated().toCompletableFuture()).isNotDone();
    }

    @Test
    void shouldDisconnectAWorkerGracefullyWithoutARestart() throws Exception {
        ClusterPrimary cluster = start(CONFIG.withWorkerMain(TestWorker.class, "echo"));
        awaitOnline(2);
        Worker worker = cluster.worker(2);
        worker.disconnect();
        await(ClusterEvent.Disconnected.class, e -> e.worker() == worker);
        ClusterEvent.Exited exited = await(ClusterEvent.Exited.class, e -> e.worker() == worker);
        assertThat(exited.code()).isZero();
        assertThat(exited.restarting()).isFalse();
        assertThat(worker.isConnected()).isFalse();
        assertThat(worker.pid()).isEmpty();
    }

    @Test
    void shouldShareAListeningPortAcrossWorkersWithReusePort() throws Exception {
        int port = freePort();
        start(CONFIG.withWorkerMain(TestWorker.class, "listen", Integer.toString(port)));
        for (int i = 0; i < 2; i++) {
            ClusterEvent.Listening listening = await(ClusterEvent.Listening.class, e -> true);
            assertThat(listening.address().getPort()).isEqualTo(port);
        }
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
                socket.setSoTimeout(10_000);
                String id = new String(socket.getInputStream().readNBytes(1), StandardCharsets.US_ASCII);
                served.merge(id, 1, Integer::sum);
            }
        }
        // The kernel spreads connections over both workers' sockets (by a hash of the ports).
        assertThat(served).containsOnlyKeys("1", "2");
    }

    @Test
    void shouldDealConnectionsInTurnFromOneSharedSocketWithRoundRobin() throws Exception {
        int port = freePort();
        start(CONFIG.withWorkers(3).withBalancing(Balancing.ROUND_ROBIN)
                .withWorkerMain(TestWorker.class, "listen", Integer.toString(port)));
        int listening = 0;
        List<Object> said = new ArrayList<>();
        while (listening < 3 || said.size() < 3) {
            switch (await(ClusterEvent.class, e -> e instanceof ClusterEvent.Listening || e instanceof ClusterEvent.Message)) {
                case ClusterEvent.Listening l when l.address().getPort() == port -> listening++;
                case ClusterEvent.Listening other -> {
                    // each worker's second address, SO_REUSEPORT named: a port of its own
                }
                case ClusterEvent.Message m -> said.add(m.message());
                default -> throw new AssertionError();
            }
        }
        // one address per worker process: a second one is refused, saying why and what to do
        assertThat(said).allSatisfy(m -> assertThat((String) m)
                .startsWith("second address: round-robin balancing shares one address per worker")
                .contains("Balancing.REUSE_PORT"));
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);

        // One short connection after another: the worker that took the last steps back. First,
        // while every worker has nothing open: after the bursts below, a worker still releasing
        // its 50 closed connections rightly looks busier than one that has released them, and the
        // least loaded took all 12 in one local run of this test in that order.
        List<String> inTurn = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            try (Socket socket = new Socket()) {
                socket.connect(address, 5_000);
                socket.setSoTimeout(10_000);
                inTurn.add(new String(socket.getInputStream().readNBytes(1), StandardCharsets.US_ASCII));
            }
        }
        assertThat(new java.util.HashSet<>(inTurn)).as("served by %s", inTurn).hasSizeGreaterThanOrEqualTo(2);

        // Bursts, as a load generator opens its connections: queued at once on the one socket,
        // where every worker is woken and the first to run would take them all. Each connection
        // stays open (the worker holds it until we close it), so the least loaded takes the next.
        Map<String, Integer> served = new HashMap<>();
        List<Socket> open = new ArrayList<>();
        try {
            for (int round = 0; round < 5; round++) {
                List<Socket> burst = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    Socket socket = new Socket();
                    open.add(socket);
                    burst.add(socket);
                    socket.connect(address, 5_000);
                    socket.setSoTimeout(10_000);
                }
                for (Socket socket : burst) {
                    served.merge(new String(socket.getInputStream().readNBytes(1), StandardCharsets.US_ASCII), 1,
                            Integer::sum);
                }
            }
        } finally {
            for (Socket socket : open) {
                socket.close();
            }
        }
        // In turn: no worker holds more than a few more of the 150 than another (the slack, and
        // the race of two workers that look at the counts at once).
        assertThat(served).containsOnlyKeys("1", "2", "3");
        int most = served.values().stream().max(Integer::compare).orElseThrow();
        int fewest = served.values().stream().min(Integer::compare).orElseThrow();
        assertThat(most - fewest).as("spread %s", served).isLessThanOrEqualTo(2 * (int) dev.spindle.cluster.internal.SharedPort.SLACK + 2);

    }

    @Test
    void shouldDealTheFirstBurstAfterStartUpEvenlyWithRoundRobin() throws Exception {
        int port = freePort();
        start(CONFIG.withBalancing(Balancing.ROUND_ROBIN).withWorkerMain(TestWorker.class, "http", Integer.toString(port)));
        for (int i = 0; i < 2; i++) {
            await(ClusterEvent.Listening.class, e -> true);
        }
        // At once, as a load generator opens its connections, to workers that have served nothing
        // yet (a cold worker's first connection held its loop 60-100 ms, and the other took the
        // rest: 49/1 and 50/0 in 2 of 8 runs): each asks once and stays open, so shares stay put.
        Map<String, Integer> served = new HashMap<>();
        List<HttpProbe> open = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                HttpProbe probe = new HttpProbe(port);
                open.add(probe);
                probe.connect();
            }
            for (HttpProbe probe : open) {
                probe.send();
            }
            for (HttpProbe probe : open) {
                served.merge(probe.answer().split(" ")[2], 1, Integer::sum);
            }
        } finally {
            open.forEach(HttpProbe::close);
        }
        assertThat(served).as("served by").containsOnlyKeys("1", "2");
        assertThat(Math.abs(served.get("1") - served.get("2"))).as("spread %s", served)
                .isLessThanOrEqualTo(2 * (int) dev.spindle.cluster.internal.SharedPort.SLACK + 2);
    }

    @Test
    void shouldSayClearlyWhyARoundRobinPortCannotBeShared() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            start(CONFIG.withWorkers(1).withBalancing(Balancing.ROUND_ROBIN)
                    .withWorkerMain(TestWorker.class, "listen", Integer.toString(taken.getLocalPort())));
            assertThat((String) await(ClusterEvent.Message.class, e -> true).message())
                    .startsWith("listen failed: bind to ").contains(":" + taken.getLocalPort())
                    .contains("address already in use");
        }
    }

    @Test
    void shouldReplaceEveryWorkerInARollingRestartWithoutAFailedRequest() throws Exception {
        rollingRestartUnderLoad(Balancing.REUSE_PORT);
    }

    @Test
    void shouldReplaceEveryWorkerInARollingRestartWithoutAFailedRequestWithRoundRobin() throws Exception {
        rollingRestartUnderLoad(Balancing.ROUND_ROBIN);
    }

    private void rollingRestartUnderLoad(Balancing balancing) throws Exception {
        int port = freePort();
        ClusterPrimary cluster = start(CONFIG.withBalancing(balancing)
                .withWorkerMain(TestWorker.class, "http", Integer.toString(port)));
        for (int i = 0; i < 2; i++) {
            await(ClusterEvent.Listening.class, e -> true);
        }
        long[] oldPids = {cluster.worker(1).pid().orElseThrow(), cluster.worker(2).pid().orElseThrow()};

        // Load: keep-alive clients that reconnect when told (Connection: close) and, as RFC 9112
        // 9.3.1 lets clients do, send a request again once on a fresh connection when a reused one
        // was closed before any answer.
        Load load = new Load(port, 4, true);
        load.awaitMore(200);
        assertThat(RecordingLogs.installed()).as("the pom names RecordingLogs as the SLF4J provider").isTrue();
        // At start, the primary says how the workers share connections (issue 17).
        assertThat(RecordingLogs.containing(balancing == Balancing.REUSE_PORT ? "balanced by the kernel (SO_REUSEPORT)"
                : "dealt out in turn by the workers (round-robin)")).isNotEmpty();
        int warnings = RecordingLogs.containing("tcp_migrate_req").size();
        cluster.rollingRestart().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
        // The warning about resets as a SO_REUSEPORT socket closes: there only, and only where they happen.
        assertThat(RecordingLogs.containing("tcp_migrate_req")).as("warnings about tcp_migrate_req")
                .hasSize(warnings + (balancing == Balancing.REUSE_PORT && !migratesQueuedConnections() ? 1 : 0));
        load.recording = true; // who answers from now on
        load.awaitMore(200);
        load.stop();
        java.util.Queue<String> failures = load.failures;
        java.util.Set<String> servedBy = load.servedBy;
        if (balancing == Balancing.ROUND_ROBIN || migratesQueuedConnections()) {
            // One shared queue outlives each worker that leaves it; or the kernel moves a closing
            // SO_REUSEPORT socket's queue to the others.
            assertThat(failures).as("failed requests").isEmpty();
        } else {
            // Without net.ipv4.tcp_migrate_req, Linux resets a connection that reaches a replaced
            // worker's SO_REUSEPORT socket in the instant between its last accept and its close (a
            // new connection, never an answered one): at most one per client here, each a reset.
            assertThat(failures).as("failed requests").hasSizeLessThanOrEqualTo(4)
                    .allSatisfy(f -> assertThat(f).startsWith("new connection: ").contains("reset"));
        }
        // Only the new processes answer now.
        List<String> newWorkers = List.of("worker 1 pid " + cluster.worker(1).pid().orElseThrow(),
                "worker 2 pid " + cluster.worker(2).pid().orElseThrow());
        assertThat(servedBy).isNotEmpty();
        assertThat(newWorkers).containsAll(servedBy);
        for (int id = 1; id <= 2; id++) {
            Worker worker = cluster.worker(id);
            assertThat(worker.incarnation()).isEqualTo(2);
            assertThat(worker.pid().orElseThrow()).isNotEqualTo(oldPids[id - 1]);
            long oldPid = oldPids[id - 1];
            ClusterEvent.Exited exited = (ClusterEvent.Exited) seen.stream()
                    .filter(e -> e instanceof ClusterEvent.Exited x && x.pid() == oldPid).findFirst()
                    .orElseGet(() -> await(ClusterEvent.Exited.class, x -> x.pid() == oldPid));
            assertThat(exited.code()).isZero();
            assertThat(exited.restarting()).as("its successor runs already").isFalse();
            java.nio.file.Path log = CONFIG.workerLogs().resolve("worker-" + id + ".log");
            assertThat(java.nio.file.Files.readString(log)).as("%s", log).contains("pid " + oldPid + " drained");
        }
    }

    @Test
    void shouldQueueARollingRestartRequestedWhileOneRunsAndTrackEveryProcess() throws Exception {
        int port = freePort();
        ClusterPrimary cluster = start(CONFIG.withWorkerMain(TestWorker.class, "listen", Integer.toString(port)));
        for (int i = 0; i < 2; i++) {
            await(ClusterEvent.Listening.class, e -> true);
        }
        // As two deploys' POST /rolling-restart 0.2 s apart would: the second and third while the first runs.
        var first = cluster.rollingRestart().toCompletableFuture();
        var second = cluster.rollingRestart().toCompletableFuture();
        var third = cluster.rollingRestart().toCompletableFuture();
        second.get(90, java.util.concurrent.TimeUnit.SECONDS);
        third.get(1, java.util.concurrent.TimeUnit.SECONDS); // the same restart as the second's
        assertThat(first).isCompleted();
        // Queued, not run at once beside the first; the third joined the second: two restarts in all.
        assertThat(cluster.workers()).extracting(Worker::incarnation).containsExactly(3, 3);
        assertTracksEveryProcess(cluster);
    }

    @Test
    void shouldTrackEveryProcessWhenARollingRestartMeetsARestartAfterACrash() throws Exception {
        int port = freePort();
        // A restart 300 ms after a crash: the rolling restart's new JVM takes longer to listen.
        ClusterPrimary cluster = start(CONFIG.withWorkerMain(TestWorker.class, "listen", Integer.toString(port))
                .withRestarts(Duration.ofMillis(300), Duration.ofMillis(300), 5, Duration.ofMinutes(1)));
        for (int i = 0; i < 2; i++) {
            await(ClusterEvent.Listening.class, e -> true);
        }
        Worker worker = cluster.worker(1);
        worker.send("crash");
        assertThat(await(ClusterEvent.Exited.class, e -> e.worker() == worker).restarting()).isTrue();
        cluster.rollingRestart().toCompletableFuture().get(90, java.util.concurrent.TimeUnit.SECONDS);
        assertTracksEveryProcess(cluster);
    }

    /** Every worker process alive is a worker's current one, and answers it. */
    private void assertTracksEveryProcess(ClusterPrimary cluster) {
        List<Long> current = cluster.workers().stream().map(w -> w.pid().orElseThrow()).toList();
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList())
                .as("worker processes alive").containsExactlyInAnyOrderElementsOf(current);
        for (Worker worker : cluster.workers()) {
            assertThat(worker.send("ping")).isTrue();
            assertThat(await(ClusterEvent.Message.class, m -> m.worker() == worker).message())
                    .isEqualTo("echo ping from " + worker.id());
        }
    }

    @Test
    void shouldFailOnlyTheRequestsInFlightOnAWorkerKilledUnderLoad() throws Exception {
        killUnderLoad(Balancing.ROUND_ROBIN);
    }

    @Test
    void shouldFailOnlyRequestsOnTheKilledWorkersSocketsWithReusePort() throws Exception {
        killUnderLoad(Balancing.REUSE_PORT);
    }

    private void killUnderLoad(Balancing balancing) throws Exception {
        int port = freePort();
        ClusterPrimary cluster = start(CONFIG.withBalancing(balancing)
                .withWorkerMain(TestWorker.class, "http", Integer.toString(port)));
        for (int i = 0; i < 2; i++) {
            await(ClusterEvent.Listening.class, e -> true);
        }
        int clients = 4;
        Load load = new Load(port, clients, false); // a request lost with its worker counts
        load.awaitMore(200);
        Worker worker = cluster.worker(1);
        ProcessHandle.of(worker.pid().orElseThrow()).orElseThrow().destroyForcibly(); // kill -9
        ClusterEvent.Exited killed = await(ClusterEvent.Exited.class, e -> e.worker() == worker);
        assertThat(killed.signal()).isEqualTo("SIGKILL");
        await(ClusterEvent.Listening.class, e -> e.worker() == worker);
        load.awaitMore(200);
        load.stop();
        java.util.Queue<String> failures = load.failures;
        assertThat(failures).allSatisfy(f -> assertThat(f).doesNotStartWith("5"));
        if (balancing == Balancing.ROUND_ROBIN) {
            // Each client had at most one request in flight on the killed worker: only those
            // failed. The shared queue outlives the worker: no connection waiting in it is lost.
            assertThat(failures.size()).as("failed requests: %s", failures).isLessThanOrEqualTo(clients);
        } else {
            // The same for the request each client had in flight, on a reused connection or on a
            // new one the killed worker had accepted (closed before an answer); but a client that
            // reconnects at once may reach the killed worker's own SO_REUSEPORT socket while the
            // kernel tears the process down, and a connection queued there is reset (a new one,
            // never an answered one), as often as the client retries in that window.
            assertThat(failures.stream().filter(f -> !(f.startsWith("new connection: ") && f.contains("reset"))).count())
                    .as("failed requests: %s", failures).isLessThanOrEqualTo(clients);
            assertThat(failures).allSatisfy(f -> assertThat(f).satisfiesAnyOf(
                    x -> assertThat(x).startsWith("reused connection: "),
                    x -> assertThat(x).startsWith("new connection: ")));
        }
    }

    @Test
    void shouldKeepFeedingTheOtherWorkersWhenOneIsStoppedWithRoundRobin() throws Exception {
        stoppedUnderLoad(Balancing.ROUND_ROBIN);
    }

    @Test
    void shouldKeepFeedingTheOtherWorkersWhenOneIsStoppedWithReusePort() throws Exception {
        stoppedUnderLoad(Balancing.REUSE_PORT);
    }

    /** The most the healthy worker may go without an echo while the other one is stopped. */
    private static final Duration HEALTHY_GAP = Duration.ofSeconds(2);

    /**
     * {@code kill -STOP} of one of two HTTP workers while the primary sends 1 KiB to each in turn
     * every millisecond (the chat's hub) and clients open a new connection per request: the
     * healthy worker keeps echoing within {@link #HEALTHY_GAP}; the stopped one's ring overflows
     * (told, counted, dead letters) and it is found unresponsive within the liveness timeout,
     * killed and restarted. Its rings are 64 KiB: full after some 60 messages.
     */
    private void stoppedUnderLoad(Balancing balancing) throws Exception {
        int port = freePort();
        Duration silence = Duration.ofSeconds(1);
        ClusterPrimary cluster = start(CONFIG.withBalancing(balancing).withMaxFrameBytes(16 * 1024)
                .withSendTimeout(Duration.ofMillis(200))
                .withLiveness(Duration.ofMillis(100), silence, ClusterConfig.OnUnresponsive.RESTART)
                .withWorkerMain(TestWorker.class, "http", Integer.toString(port)));
        long fullBefore = kit.system().deadLetters().count(DeadLetter.Reason.MAILBOX_FULL);
        for (int i = 0; i < 2; i++) {
            await(ClusterEvent.Listening.class, e -> true);
        }
        Worker stopped = cluster.worker(1);
        Worker healthy = cluster.worker(2);
        Feeder feeder = new Feeder(cluster);
        NewConnections http = new NewConnections(port);
        ProcessHandle frozen = null;
        try {
            await(ClusterEvent.Message.class, m -> m.worker() == healthy);
            // A loaded machine may deschedule worker 1 long enough for its ring to overflow before
            // the stop (a stall of its own, told and ended): count from an echo it sent after that.
            int beforeStop = seen.size();
            await(ClusterEvent.Message.class, m -> m.worker() == stopped);
            frozen = ProcessHandle.of(stopped.pid().orElseThrow()).orElseThrow();
            signal("STOP", frozen.pid());
            long stoppedAt = System.nanoTime();
            http.mark();
            long lastHealthy = stoppedAt;
            long longestGap = 0;
            long deadline = stoppedAt + WAIT.toNanos();
            boolean restarted = false;
            long unresponsiveAt = 0;
            int incarnation = stopped.incarnation();
            // Until the stopped worker's successor echoes, the healthy one must never starve.
            while (true) {
                long now = System.nanoTime();
                assertThat(Duration.ofNanos(now - lastHealthy)).as("worker 2 without an echo since %d ms after worker 1 "
                        + "stopped (the feeder's longest send: %d ms, the one under way: %d ms); saw %s",
                        (lastHealthy - stoppedAt) / 1_000_000, feeder.longestSend() / 1_000_000,
                        feeder.sendingFor() / 1_000_000, tail(seen)).isLessThan(HEALTHY_GAP);
                assertThat(now).as("worker 1 restarted and echoing within %s; saw %s; the primary logged %s", WAIT, tail(seen),
                        RecordingLogs.containing("")).isLessThan(deadline);
                ClusterEvent event;
                try {
                    event = events.receiveMessage(HEALTHY_GAP.minusNanos(now - lastHealthy).plusMillis(10));
                } catch (AssertionError nothing) {
                    continue; // the checks above say what is missing
                }
                if (!(event instanceof ClusterEvent.Message)) {
                    seen.add(event);
                }
                if (event instanceof ClusterEvent.Message m && m.worker() == healthy) {
                    long at = System.nanoTime();
                    longestGap = Math.max(longestGap, at - lastHealthy);
                    lastHealthy = at;
                } else if (event instanceof ClusterEvent.Unresponsive u && u.worker() == stopped && unresponsiveAt == 0) {
                    unresponsiveAt = System.nanoTime();
                } else if (event instanceof ClusterEvent.Online o && o.worker() == stopped) {
                    restarted = true;
                } else if (event instanceof ClusterEvent.Message m && m.worker() == stopped && restarted) {
                    break;
                }
            }
            assertThat(stopped.incarnation()).isEqualTo(incarnation + 1);
            long frozenPid = frozen.pid();
            List<ClusterEvent> ofStopped = seen.subList(beforeStop, seen.size()).stream()
                    .filter(e -> workerOf(e) == stopped).toList();
            assertThat(ofStopped).as("worker 1's events after it stopped").anySatisfy(e -> assertThat(e)
                    .isInstanceOf(ClusterEvent.Overflow.class));
            assertThat(ofStopped).filteredOn(ClusterEvent.Unresponsive.class::isInstance)
                    .map(e -> (ClusterEvent.Unresponsive) e).singleElement()
                    .satisfies(u -> assertThat(u.pid()).isEqualTo(frozenPid), u -> assertThat(u.killed()).isTrue());
            // (its successor may overflow too as it starts: 64 ms of the feed fill its ring)
            assertThat(ofStopped.subList(0, ofStopped.indexOf(ofStopped.stream()
                    .filter(ClusterEvent.Unresponsive.class::isInstance).findFirst().orElseThrow())))
                    .filteredOn(ClusterEvent.Overflow.class::isInstance).as("one overflow per stall").hasSize(1);
            assertThat(ofStopped).anySatisfy(e -> assertThat(e).isEqualTo(
                    new ClusterEvent.Exited(stopped, frozenPid, 137, "SIGKILL", true)));
            assertThat(primary.stats().unresponsive()).as("counted for monitoring").isEqualTo(1);
            assertThat(primary.stats().restarts()).as("its restart after the kill").isGreaterThanOrEqualTo(1);
            // silent from the stop (a ping is answered within the interval), told at the next beat
            assertThat(Duration.ofNanos(unresponsiveAt - stoppedAt)).as("found unresponsive after")
                    .isGreaterThanOrEqualTo(silence.minusMillis(100)).isLessThan(silence.plusSeconds(1));
            assertThat(stopped.undelivered()).as("messages to the stopped worker dropped and counted").isPositive();
            assertThat(kit.system().deadLetters().count(DeadLetter.Reason.MAILBOX_FULL) - fullBefore)
                    .as("... and dead letters").isPositive();
            // HTTP, while worker 1 was stopped and until its successor served. Round-robin: a new
            // connection waits in the shared queue until the other worker takes it, so only those
            // the stopped one had accepted fail, at its kill: one per client at most. SO_REUSEPORT:
            // those the kernel put in the stopped worker's own queue wait until the kill, and are
            // reset, as are some made at once after it (the dying socket, as with kill -9). Never
            // longer than the liveness timeout: none times out.
            Map<String, Integer> outcomes = http.outcomes();
            System.out.println(balancing + ": worker 2's longest wait for an echo " + longestGap / 1_000_000
                    + " ms, worker 1 found unresponsive after " + (unresponsiveAt - stoppedAt) / 1_000_000
                    + " ms; new connections while worker 1 was stopped: " + outcomes
                    + ", slowest answer " + http.slowestAnswer().toMillis() + " ms");
            assertThat(outcomes).as("new connections").doesNotContainKey("timed out")
                    .allSatisfy((outcome, count) -> assertThat(outcome).isIn("worker 1", "worker 2", "reset", "closed unanswered"));
            if (balancing == Balancing.ROUND_ROBIN) {
                int failed = outcomes.getOrDefault("reset", 0) + outcomes.getOrDefault("closed unanswered", 0);
                assertThat(failed).as("failed connections: %s", outcomes).isLessThanOrEqualTo(NewConnections.CLIENTS);
            }
        } finally {
            feeder.stop();
            http.stop();
            if (frozen != null && frozen.isAlive()) {
                signal("CONT", frozen.pid()); // so that it can end with the cluster
            }
        }
    }

    private static List<ClusterEvent> tail(List<ClusterEvent> events) {
        return events.subList(Math.max(0, events.size() - 12), events.size());
    }

    /** {@code kill -s <name> <pid>}, waited for. */
    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }

    /** Sends 1 KiB to each worker in turn every millisecond, as the chat's hub passes a post on. */
    private static final class Feeder {
        private volatile boolean running = true;
        private final java.util.concurrent.atomic.AtomicLong longestSend = new java.util.concurrent.atomic.AtomicLong();
        private volatile long sendingSince;
        private final Thread thread;

        Feeder(ClusterPrimary cluster) {
            byte[] payload = new byte[1024];
            thread = Thread.ofPlatform().daemon().name("feeder").start(() -> {
                while (running) {
                    for (Worker worker : cluster.workers()) {
                        long start = System.nanoTime();
                        sendingSince = start;
                        worker.send(payload);
                        sendingSince = 0;
                        longestSend.accumulateAndGet(System.nanoTime() - start, Math::max);
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
            });
        }

        long longestSend() {
            return longestSend.get();
        }

        /** {@return how long the send under way has taken, 0 if none} */
        long sendingFor() {
            long since = sendingSince;
            return since == 0 ? 0 : System.nanoTime() - since;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(Duration.ofSeconds(5)); // a feeder blocked in send for ever stays behind, a daemon
        }
    }

    /**
     * Clients that each open a new connection for each {@code GET /} (5 s to connect and answer)
     * and count, after {@link #mark}, who answered, how the others failed, and the slowest answer.
     */
    private static final class NewConnections {
        static final int CLIENTS = 4;
        private final Map<String, Integer> outcomes = new java.util.TreeMap<>();
        private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        private final java.util.concurrent.atomic.AtomicLong slowest = new java.util.concurrent.atomic.AtomicLong();
        private volatile boolean running = true;
        private volatile boolean marked;
        private final List<Thread> threads = new ArrayList<>();

        NewConnections(int port) {
            for (int c = 0; c < CLIENTS; c++) {
                threads.add(Thread.ofPlatform().daemon().name("new-connections-" + c).start(() -> run(port)));
            }
        }

        private void run(int port) {
            while (running) {
                String outcome;
                long start = System.nanoTime();
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
                    socket.setSoTimeout(5_000);
                    socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                    int at = answer.indexOf("worker ");
                    outcome = at < 0 ? "closed unanswered" : answer.substring(at, at + 8);
                } catch (java.net.SocketTimeoutException e) {
                    outcome = "timed out";
                } catch (IOException e) {
                    outcome = e.getMessage() != null && e.getMessage().contains("reset") ? "reset" : e.toString();
                }
                if (marked) {
                    if (outcome.startsWith("worker ")) {
                        slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                    }
                    lock.lock();
                    try {
                        outcomes.merge(outcome, 1, Integer::sum);
                    } finally {
                        lock.unlock();
                    }
                }
            }
        }

        void mark() {
            marked = true;
        }

        /** {@return the outcomes counted since the mark} */
        Map<String, Integer> outcomes() {
            lock.lock();
            try {
                return new java.util.TreeMap<>(outcomes);
            } finally {
                lock.unlock();
            }
        }

        Duration slowestAnswer() {
            return Duration.ofNanos(slowest.get());
        }

        void stop() throws InterruptedException {
            running = false;
            for (Thread thread : threads) {
                thread.join(Duration.ofSeconds(10));
            }
        }
    }

    /**
     * Keep-alive HTTP clients on their own threads, asking {@code GET /} until closed: answers
     * counted, failures kept, and once {@link #recording} who answered.
     */
    private static final class Load {
        final java.util.concurrent.atomic.AtomicLong ok = new java.util.concurrent.atomic.AtomicLong();
        final java.util.Queue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        final java.util.Set<String> servedBy = java.util.concurrent.ConcurrentHashMap.newKeySet();
        volatile boolean recording;
        private volatile boolean running = true;
        private final List<Thread> threads = new ArrayList<>();

        /** {@code retry}: send a request again once when a reused connection closed before answering. */
        Load(int port, int clients, boolean retry) {
            for (int c = 0; c < clients; c++) {
                threads.add(Thread.ofPlatform().daemon().start(() -> {
                    HttpProbe probe = new HttpProbe(port);
                    probe.retry = retry;
                    while (running) {
                        try {
                            String answer = probe.get();
                            if (!answer.startsWith("200 ")) {
                                failures.add(answer);
                                continue;
                            }
                            ok.incrementAndGet();
                            if (recording) {
                                servedBy.add(answer.substring(4));
                            }
                        } catch (IOException e) {
                            failures.add((probe.reused ? "reused connection: " : "new connection: ") + e);
                            probe.close(); // reconnect: the kernel picks a live worker
                        }
                    }
                    probe.close();
                }));
            }
        }

        /** Waits (30 s at most) for {@code count} more answers. */
        void awaitMore(long count) {
            long target = ok.get() + count;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (ok.get() < target) {
                assertThat(System.nanoTime() - deadline).as("%d answers within %s; failures %s", target, WAIT, failures)
                        .isNegative();
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        }

        /** Stops the clients and waits for them. */
        void stop() throws InterruptedException {
            running = false;
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }

    /** A keep-alive HTTP/1.1 client on raw sockets: reconnects when the server says close. */
    private static final class HttpProbe {
        private final int port;
        private Socket socket;
        private java.io.InputStream in;
        /** The last request went on a connection that had answered before. */
        boolean reused;
        /** Send a request again on a fresh connection when a reused one closed before answering. */
        boolean retry = true;

        HttpProbe(int port) {
            this.port = port;
        }

        /** {@return "status body"} of a GET /, retried once on a fresh connection if a reused one failed before answering */
        String get() throws IOException {
            try {
                return exchange();
            } catch (IOException e) {
                if (!reused || !retry) {
                    throw e;
                }
                close();
                return exchange();
            }
        }

        private String exchange() throws IOException {
            if (socket == null) {
                connect();
                reused = false;
            } else {
                reused = true;
            }
            send();
            return answer();
        }

        void connect() throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
        }

        void send() throws IOException {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }

        /** {@return "status body"} of the answer to the request sent last */
        String answer() throws IOException {
            String status = line();
            if (status == null) {
                throw new java.io.EOFException("closed before an answer");
            }
            int length = 0;
            boolean closing = false;
            for (String header = line(); header != null && !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring(15).trim());
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    closing = true;
                }
            }
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            if (closing) {
                close();
            }
            return status.substring(9, 12) + " " + body;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    return line.isEmpty() ? null : line.toString();
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing
                }
                socket = null;
            }
        }
    }

    private static Worker workerOf(ClusterEvent event) {
        return switch (event) {
            case ClusterEvent.Forked e -> e.worker();
            case ClusterEvent.Online e -> e.worker();
            case ClusterEvent.Listening e -> e.worker();
            case ClusterEvent.Message e -> e.worker();
            case ClusterEvent.Disconnected e -> e.worker();
            case ClusterEvent.Exited e -> e.worker();
            case ClusterEvent.GaveUp e -> e.worker();
            case ClusterEvent.Overflow e -> e.worker();
            case ClusterEvent.Unresponsive e -> e.worker();
            case ClusterEvent.AllGaveUp e -> null;
        };
    }
}
