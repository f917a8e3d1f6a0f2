package dev.spindle.actors.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Confined to the virtual thread that runs it, except its successor slots, which the dispatcher's
 * rescuer may empty. One stretch of turns on one thread: the actor it was started for, then the
 * actors its turns handed off to, until none is left.
 *
 * <p><b>Hand-off.</b> When a handler sends to an idle actor, that actor need not get a thread of
 * its own: it becomes one of this activation's successors and runs on this thread, in order, once
 * the current actor has nothing left, with no thread start and no wake-up (measured: ping-pong
 * between two actors goes from about 1.5 to about 50 million messages a second on this 2-core VM,
 * see ARCHITECTURE.md). Up to {@link #SLOTS} successors wait here (one by default); more get threads of their own,
 * and so do the successors of an actor that still has messages after the handler returns, so no
 * actor waits for another's backlog.
 *
 * <p>A handler that sends and then blocks would hold its successors hostage: the dispatcher's
 * rescuer takes every successor of an activation that has made no progress for a whole tick and
 * starts each on its own thread, so a blocking handler delays the actors it woke by at most a few
 * milliseconds, and no other actor at all.
 */
public final class Activation extends RescuerWatch implements Runnable {

    private static final ScopedValue<Activation> CURRENT = ScopedValue.newInstance();
    /**
     * How many woken actors may wait to run on this thread; more get threads of their own. A power
     * of two. One, measured (perf/README.md, "Hand-off slots"): 8 made skynet about 30% faster but
     * fan-in and single-pair ping-pong slower in the same run, since successors queued on one
     * thread do not run in parallel on the other core. The system property
     * {@code spindle.handoffSlots} exists so that {@code perf} can measure other sizes; it is not an API.
     */
    private static final int SLOTS = Integer.highestOneBit(Math.clamp(Integer.getInteger("spindle.handoffSlots", 1), 1, 64));
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(ActorCell[].class);
    private static final VarHandle HOST_WATCHED;
    private static final VarHandle TURN;
    private static final VarHandle HANDED;
    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HOST_WATCHED = lookup.findVarHandle(Host.class, "watched", boolean.class);
            TURN = lookup.findVarHandle(Host.class, "turn", long.class);
            HANDED = lookup.findVarHandle(Activation.class, "handed", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /** How many woken actors a host (an io loop) may queue before more get threads of their own. */
    private static final int HOST_SLOTS = 256;
    /** Without {@code /proc}: ticks a hosted turn may be runnable (computing, or blocked in native code) before the host is detached. */
    private static final long RUNNABLE_TICKS = 8;
    /** CPU time a hosted turn may use, from when the rescuer first looks at it, before the host is detached. */
    private static final long COMPUTE_NANOS = 6_000_000;
    /** {@link Host#turn} of a host between hosted turns. */
    private static final long NO_TURN = 0;
    /** {@link Host#turn} of a detached host. */
    private static final long DETACHED = -1;
    /** Hand-offs in a row before this thread lets other virtual threads on its carrier run. */
    private static final int TURNS_BEFORE_YIELD = 256;

    private final VirtualThreadDispatcher dispatcher;
    /** The actor whose turn is running. */
    private ActorCell<?> cell;
    /**
     * Idle actors handlers scheduled, to run on this thread in order, a ring of {@link #SLOTS}: the
     * owner fills at {@code tail} and takes at {@code head}; the rescuer may empty any slot (CAS).
     */
    private final ActorCell<?>[] successors;
    private int head;
    private int tail;
    /** Slots filled and not yet taken by the owner (some may have been stolen since). */
    private int pending;
    /** The rescuer's tick when the oldest waiting successor was queued, or the owner last took one. */
    volatile long successorTick;

    /** Started from a platform thread: counted as waiting by the dispatcher until it runs. */
    private final boolean external;

    /** The virtual thread running this activation (set when it starts): what {@link #wake} unparks. */
    private Thread runner;
    /**
     * While parked idle in the dispatcher's pool (see {@link #linger}): null while waiting, then the
     * actor a starter handed over (CAS from null, once per stay in the pool), or {@link #RETIRED}.
     */
    @SuppressWarnings("unused") // through HANDED
    private volatile Object handed;
    /** {@link #handed} of an activation told to end (its dispatcher closed). */
    private static final Object RETIRED = new Object();

    /** Null but for a host (see {@link #newHost}): its state lives apart, so other activations stay small. */
    private final Host host;

    /** A host's state: a platform thread (an io loop) that runs the actors it wakes. */
    private static final class Host {
        /** Called once, on the rescuer's thread, with the stuck actor, when a hosted turn is stuck. */
        final Consumer<String> onStuck;
        /**
         * The hosted turn running now (its number), {@link Activation#NO_TURN}, or {@link Activation#DETACHED}: the one
         * word on which the host ending a turn and the rescuer detaching it meet, by CAS, so that
         * exactly one of them wins (a host that loses stops being the host before touching anything).
         */
        volatile long turn = NO_TURN;
        /** The host's count of hosted turns: the next turn's number. */
        long turns;
        /** The tick at the start of the current hosted turn (written before {@link #turn}). */
        volatile long turnTick;
        /** Whether the rescuer has the host on its list (CAS both ways, see {@link Activation#watchHost}). */
        volatile boolean watched;
        /** Set right after {@link #turn} becomes {@link Activation#DETACHED}: the host takes no more successors. */
        volatile boolean detached;
        /** The host's thread, and what Linux says about it (null elsewhere), set when it starts to run. */
        volatile Thread thread;
        volatile ThreadProbe probe;
        /**
         * The rescuer's: the turn it last probed, the thread's CPU time at its first look, and at its
         * last look the CPU time, whether the thread slept, and the collections so far.
         */
        long probedTurn = NO_TURN;
        long probedCpu;
        long lastCpu;
        boolean lastAsleep;
        long lastCollections;

        Host(Consumer<String> onStuck) {
            this.onStuck = onStuck;
        }
    }

    Activation(VirtualThreadDispatcher dispatcher, ActorCell<?> cell, boolean external) {
        this(dispatcher, cell, external, SLOTS, null);
    }

    private Activation(VirtualThreadDispatcher dispatcher, ActorCell<?> cell, boolean external, int slots,
            Consumer<String> onStuck) {
        this.dispatcher = dispatcher;
        this.cell = cell;
        this.external = external;
        this.successors = new ActorCell<?>[slots];
        this.host = onStuck == null ? null : new Host(onStuck);
    }

    /**
     * A host: an activation for a platform thread that runs, between its own work, the actors that
     * work wakes (an io loop: the route actors of the requests it has just parsed), with no thread
     * start and no wake-up. Bind it with {@link #runAsHost} for the thread's life; call
     * {@link #runHosted} when the thread can spare the time. A hosted turn that blocks or computes
     * (see {@link #stuck}) detaches the host: {@code onStuck} is called on the rescuer's thread (it
     * must move the platform thread's own duties to a new thread), the actors still waiting get
     * threads of their own, and the stuck actor is not hosted for a while
     * ({@link ActorCell#strikeHosting}).
     */
    public static Activation newHost(Consumer<String> onStuck) {
        return new Activation(Hosts.DISPATCHER, null, false, HOST_SLOTS, Objects.requireNonNull(onStuck, "onStuck"));
    }

    /** The dispatcher of hosts: its rescuer watches them, and actors they let go of run on its virtual threads. */
    private static final class Hosts {
        /** Never closed: no pool, which nothing would retire. */
        static final VirtualThreadDispatcher DISPATCHER = new VirtualThreadDispatcher("host", 0);
    }

    /** Host: runs {@code body} on this thread with this host as the current activation, then retires the host. */
    public void runAsHost(Runnable body) {
        assert host != null;
        host.thread = Thread.currentThread();
        host.probe = ThreadProbe.ofCurrentThread();
        try {
            ScopedValue.where(CURRENT, this).run(body);
        } finally {
            markFinished();
        }
    }

    /** Host, its own thread. {@return whether actors wait to run here} */
    public boolean hasHosted() {
        return pending != 0;
    }

    /**
     * Host, its own thread. Runs one turn of each actor waiting here, in the order they were woken
     * (and of those their turns wake). An actor with messages left after its turn goes on on a
     * thread of its own.
     *
     * @return {@code false} if the host was detached meanwhile: this thread is no longer the host
     */
    public boolean runHosted() {
        if (pending == 0) {
            return host.turn != DETACHED;
        }
        watchHost();
        long token = NO_TURN;
        try {
            for (ActorCell<?> next; (next = takeSuccessor()) != null; ) {
                cell = next;
                host.turnTick = dispatcher.tick();
                token = ++host.turns;
                host.turn = token;
                long before = next.processedByHolder();
                if (next.runtime.counters != tallyOf) {
                    startTally(next);
                }
                boolean again = next.runTurnLogged(this);
                tallyMessages += next.processedByHolder() - before;
                boolean stillHost = TURN.compareAndSet(host, token, NO_TURN);
                token = NO_TURN;
                if (!stillHost) {
                    // This turn blocked or ran long: the rescuer moved the host's duties elsewhere.
                    next.strikeHosting();
                }
                if (again) {
                    dispatcher.start(next);
                }
                if (!stillHost) {
                    releaseHandOff();
                    return false;
                }
            }
            return true;
        } finally {
            cell = null;
            flushTally();
            if (token != NO_TURN) {
                TURN.compareAndSet(host, token, NO_TURN); // a turn that threw
            }
        }
    }

    /** Host, its own thread: the actors waiting here get threads of their own (the host is ending). */
    public void releaseHosted() {
        releaseHandOff();
    }

    /** Host: make sure the rescuer looks at us (it drops idle hosts; see {@link VirtualThreadDispatcher}). */
    private void watchHost() {
        if (!host.watched && HOST_WATCHED.compareAndSet(host, false, true)) {
            dispatcher.watch(this);
        }
    }

    /**
     * The rescuer: whether the hosted turn that began at tick {@code started} (two or more ticks
     * ago) holds the host's thread. Where Linux tells ({@link ThreadProbe}): the thread has used
     * {@link #COMPUTE_NANOS} of CPU since the rescuer first looked at this turn (it computes), or
     * it slept in the kernel (parked, on a lock, in a blocking read) at this look and the one
     * before, used no CPU in between, and no garbage collection ran meanwhile (a collection parks
     * every thread at a safepoint: that is not the handler blocking). A thread that is runnable
     * but has not run (the OS gave the cores to others: a loaded machine) is not stuck; detaching
     * it would only add a thread. Elsewhere, Java's view: waiting (parked, on a monitor) now, or
     * runnable for {@link #RUNNABLE_TICKS}.
     */
    private boolean stuck(long token, long started, long now) {
        Host h = host;
        ThreadProbe probe = h.probe;
        if (probe == null) {
            Thread thread = h.thread;
            return now - started >= RUNNABLE_TICKS || (thread != null && thread.getState() != Thread.State.RUNNABLE);
        }
        long cpu = probe.cpuNanos();
        char state = probe.state();
        boolean asleep = state == 'S' || state == 'D';
        long collections = ThreadProbe.collections();
        if (h.probedTurn != token) {
            h.probedTurn = token;
            h.probedCpu = cpu;
            h.lastCpu = cpu;
            h.lastAsleep = asleep;
            h.lastCollections = collections;
            return false;
        }
        boolean blocked = asleep && h.lastAsleep && cpu == h.lastCpu && collections == h.lastCollections;
        h.lastCpu = cpu;
        h.lastAsleep = asleep;
        h.lastCollections = collections;
        return blocked || cpu - h.probedCpu >= COMPUTE_NANOS;
    }

    /**
     * The rescuer, of the host it found stuck: {@return "computed" or "blocked", and for how long
     * the turn had held the thread} (to the rescuer's tick, 2 ms), for the log line.
     */
    private String howStuck(long ticks) {
        Host h = host;
        Thread thread = h.thread;
        boolean computed = h.probe != null ? h.lastCpu - h.probedCpu >= COMPUTE_NANOS
                : thread != null && thread.getState() == Thread.State.RUNNABLE;
        return (computed ? "computed" : "blocked") + " for " + ticks * VirtualThreadDispatcher.TICK_NANOS / 1_000_000 + " ms";
    }

    /** {@return where {@code thread} is, as a few frames for a log line: what a stuck turn blocked in} */
    private static String where(Thread thread) {
        if (thread == null) {
            return "";
        }
        StackTraceElement[] frames = thread.getStackTrace();
        StringBuilder where = new StringBuilder(" (at");
        for (int i = 0; i < Math.min(frames.length, 6); i++) {
            where.append(i == 0 ? " " : " < ").append(frames[i]);
        }
        return where.append(')').toString();
    }

    boolean isHost() {
        return host != null;
    }

    /**
     * The rescuer, about a host on its list. {@return whether to keep it on the list} Detaches a
     * host whose turn is stuck (see {@link #stuck}); drops a host with nothing running or waiting
     * (its next turn or successor puts it back). Waiting successors are not stolen from a host, as
     * they are from other activations: the host runs them as soon as its own short work is done.
     */
    boolean rescueHost(long now, Consumer<ActorCell<?>> start) {
        Host h = host;
        long token = h.turn;
        if (token > 0) {
            long started = h.turnTick; // read after turn: this turn's, or a later one's (then the CAS fails)
            ActorCell<?> stuckCell = cell; // racy, for the message only
            if (now - started >= 2 && stuck(token, started, now) && TURN.compareAndSet(h, token, DETACHED)) {
                h.detached = true;
                stealAll(start);
                h.onStuck.accept((stuckCell == null ? "an actor" : stuckCell.toString()) + ' ' + howStuck(now - started)
                        + where(h.thread));
                return false;
            }
        }
        if (h.turn == DETACHED) {
            return false;
        }
        if (h.turn != NO_TURN || hasWaitingSuccessor()) {
            return true;
        }
        h.watched = false;
        // Re-check after letting go: the host's turn or successor meanwhile either sees us gone
        // and queues itself again, or is seen here and we take it back; one CAS decides which.
        return (h.turn != NO_TURN || hasWaitingSuccessor()) && HOST_WATCHED.compareAndSet(h, false, true);
    }

    /**
     * Runs one turn of {@code cell} on the calling thread, without hand-off: for dispatchers other
     * than the runtime's own (perf's rejected alternatives), which decide themselves where an actor
     * runs.
     *
     * @return {@code true} if the actor still holds its mailbox and must be run again
     */
    public static boolean runOneTurn(ActorCell<?> cell) {
        Activation detached = new Activation(null, cell, false);
        return ScopedValue.where(CURRENT, detached).call(() -> cell.runTurnLogged(detached));
    }

    /** {@return the activation running on this thread, or null off actor threads} */
    static Activation current() {
        return CURRENT.isBound() ? CURRENT.get() : null;
    }

    /** {@return the actor whose turn is running} */
    ActorCell<?> cell() {
        return cell;
    }

    @Override
    public void run() {
        if (external) {
            dispatcher.externalStarted();
        }
        runner = Thread.currentThread();
        try {
            ScopedValue.where(CURRENT, this).run(this::runChains);
        } finally {
            markFinished();
        }
    }

    /** Runs the actor this thread was started for and its hand-offs; then, parked in the pool, whatever it is handed. */
    private void runChains() {
        for (ActorCell<?> next = cell; next != null; next = linger()) {
            runTurns(next);
        }
    }

    /**
     * This thread has nothing left to run: park in the dispatcher's pool of idle activations until
     * a starter hands over an actor ({@link #wake}), which costs an unpark instead of a new virtual
     * thread (its allocation, and the JDK's tracking of every virtual thread in a concurrent set:
     * a quarter of Savina's big in JFR). Nothing is stuck here: an activation is parked only when
     * its own work is done, and {@link VirtualThreadDispatcher#start} makes a new thread whenever
     * the pool is empty, so a blocked handler never holds up another actor.
     *
     * @return the actor handed over, or null to end the thread (the pool is full, or closed)
     */
    private ActorCell<?> linger() {
        cell = null; // hold no stopped actor while parked
        // Only run() gets here: never a host (runAsHost) nor runOneTurn's detached activation.
        if (runner.isInterrupted()) {
            return null; // interrupted by a handler: park would not wait; let the thread end as before
        }
        // One entry in the pool per stay: a starter takes the entry before it CASes, so nobody
        // else can hand anything over until we offer ourselves again.
        HANDED.setRelease(this, null);
        if (!dispatcher.offerIdle(this)) {
            return null;
        }
        // The rescuer may forget us while we are parked (unwatchIfFinished); then we register
        // again on our next hand-off.
        markFinished();
        if (dispatcher.isClosed()) {
            // close() drains the pool after it sets closed: it may have missed us; retire ourselves.
            HANDED.compareAndSet(this, null, RETIRED);
        }
        Object got;
        while ((got = HANDED.getAcquire(this)) == null) {
            LockSupport.park(this);
            Thread.interrupted(); // nobody else knows this thread; an interrupt must not make us spin
        }
        if (got == RETIRED) {
            return null;
        }
        markRunning();
        return (ActorCell<?>) got;
    }

    /** A starter that took this activation from the pool: hand it {@code next} to run. {@return false if it retired} */
    boolean wake(ActorCell<?> next) {
        if (HANDED.compareAndSet(this, null, next)) {
            LockSupport.unpark(runner);
            return true;
        }
        return false;
    }

    /** The dispatcher closed: end this pooled activation, unless it was handed an actor already. */
    void retire() {
        if (HANDED.compareAndSet(this, null, RETIRED)) {
            LockSupport.unpark(runner);
        }
    }

    private void runTurns(ActorCell<?> first) {
        int turns = 0;
        ActorCell<?> next = first;
        while (next != null) {
            cell = next;
            long before = next.processedByHolder();
            if (next.runtime.counters != tallyOf) {
                startTally(next);
            }
            boolean again = next.runTurnLogged(this);
            tallyMessages += next.processedByHolder() - before;
            ActorCell<?> handed = takeSuccessor();
            if (again) {
                // The actor used its throughput and still holds its mailbox: fairness.
                if (handed != null) {
                    dispatcher.start(next);
                    next = handed;
                } else {
                    flushTally(); // the time we are off the carrier is not the actors'
                    dispatcher.yieldTurn();
                    turns = 0;
                }
            } else {
                next = handed;
            }
            if (++turns >= TURNS_BEFORE_YIELD) {
                // A chain of hand-offs never blocks: let other virtual threads run.
                flushTally();
                dispatcher.yieldTurn();
                turns = 0;
            }
        }
        flushTally();
    }

    // ---- the tally: what this thread's turns did, for ActorSystem.stats() -----------------------
    // Plain fields, this thread's own. Per turn: two reads of the cell's own processed count (its
    // single-writer counter) and a compare; the clock is read, the system's adders touched and a
    // mailbox depth sampled only when a run of turns starts, yields or ends (startTally,
    // flushTally): ping-pong's hand-off chain pays them once per 256 turns.

    /** The counters the tally is for (a thread may run actors of several systems); null: nothing tallied. */
    private SystemCounters tallyOf;
    /** Messages handled since the last flush. */
    private long tallyMessages;
    /** When the turns since the last flush began ({@code nanoTime}). */
    private long tallySince;

    /**
     * The first turn of a run (this thread's first, the first after a yield, or one of another
     * system): flush what was tallied for another system, start the clock, and give the sampler,
     * if any, the depth of {@code next}'s mailbox.
     */
    private void startTally(ActorCell<?> next) {
        flushTally();
        SystemCounters counters = next.runtime.counters;
        tallyOf = counters;
        tallySince = System.nanoTime();
        IntConsumer sampler = counters.depthSampler;
        if (sampler != null) {
            try {
                sampler.accept(next.mailbox.size());
            } catch (RuntimeException e) {
                // A monitoring hook must not fail actors: drop it, say so once.
                if (SystemCounters.DEPTH_SAMPLER.compareAndSet(counters, sampler, null)) {
                    next.runtime.log.error("the mailbox-depth sampler threw; it is removed", e);
                }
            }
        }
    }

    /** Adds the tally to its system's counters: a run of turns ends or yields, or the next turn is another system's. */
    private void flushTally() {
        SystemCounters counters = tallyOf;
        if (counters != null) {
            counters.add(tallyMessages, System.nanoTime() - tallySince);
            tallyMessages = 0;
            tallyOf = null;
        }
    }

    /** Called by the dispatcher on this thread: queue {@code scheduled} to run here, if there is room. */
    boolean offerSuccessor(ActorCell<?> scheduled) {
        if (dispatcher == null || pending == successors.length) {
            return false;
        }
        if (host != null) {
            if (host.detached || !scheduled.hostableNow()) {
                return false;
            }
            watchHost();
        } else if (claimWatch()) {
            dispatcher.watch(this);
        }
        if (pending == 0) {
            successorTick = dispatcher.tick();
        }
        // The slot at tail is empty: taken by us or stolen by the rescuer, never refilled since.
        SLOT.setRelease(successors, tail, scheduled);
        tail = (tail + 1) & (successors.length - 1);
        pending++;
        return true;
    }

    /**
     * Whether a handler scheduled an actor for this thread to run next (may be stale after a
     * steal). Never for a host: the actors waiting there are the host's work list, not this
     * turn's doing, and need not cut the turn short.
     */
    boolean handOffPending() {
        return pending != 0 && host == null;
    }

    /** The current actor still has messages: its successors get threads of their own now. */
    void releaseHandOff() {
        for (ActorCell<?> handed; (handed = takeSuccessor()) != null; ) {
            dispatcher.start(handed);
        }
    }

    /** {@return the oldest successor not stolen, or null} */
    private ActorCell<?> takeSuccessor() {
        while (pending != 0) {
            ActorCell<?> handed = (ActorCell<?>) SLOT.getAndSet(successors, head, (ActorCell<?>) null);
            head = (head + 1) & (successors.length - 1);
            pending--;
            if (handed != null) {
                if (pending != 0) {
                    // Progress: the rescuer's clock for the ones still waiting starts again.
                    successorTick = dispatcher.tick();
                }
                return handed;
            }
        }
        return null;
    }

    /** The rescuer: every successor still waiting, taken from this activation; the caller starts them. */
    void stealAll(Consumer<ActorCell<?>> start) {
        for (int i = 0; i < successors.length; i++) {
            ActorCell<?> waiting = (ActorCell<?>) SLOT.getVolatile(successors, i);
            if (waiting != null && SLOT.compareAndSet(successors, i, waiting, (ActorCell<?>) null)) {
                start.accept(waiting);
            }
        }
    }



    /** The rescuer: whether any successor waits (a racy look; {@link #stealAll} decides). */
    boolean hasWaitingSuccessor() {
        for (int i = 0; i < successors.length; i++) {
            if (SLOT.getVolatile(successors, i) != null) {
                return true;
            }
        }
        return false;
    }
}
