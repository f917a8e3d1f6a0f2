package dev.spindle.actors.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

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
public final class Activation implements Runnable {

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
    /** Hand-offs in a row before this thread lets other virtual threads on its carrier run. */
    private static final int TURNS_BEFORE_YIELD = 256;

    private final VirtualThreadDispatcher dispatcher;
    /** The actor whose turn is running. */
    private ActorCell<?> cell;
    /**
     * Idle actors handlers scheduled, to run on this thread in order, a ring of {@link #SLOTS}: the
     * owner fills at {@code tail} and takes at {@code head}; the rescuer may empty any slot (CAS).
     */
    private final ActorCell<?>[] successors = new ActorCell<?>[SLOTS];
    private int head;
    private int tail;
    /** Slots filled and not yet taken by the owner (some may have been stolen since). */
    private int pending;
    /** The rescuer's tick when the oldest waiting successor was queued, or the owner last took one. */
    volatile long successorTick;
    /** Whether the rescuer watches this activation: from its first successor on, so blocked actors that hand off nothing cost the rescuer nothing. */
    private boolean watched;
    /** Set when the thread is done; the rescuer then forgets this activation. */
    private volatile boolean finished;

    /** Started from a platform thread: counted as waiting by the dispatcher until it runs. */
    private final boolean external;

    Activation(VirtualThreadDispatcher dispatcher, ActorCell<?> cell, boolean external) {
        this.dispatcher = dispatcher;
        this.cell = cell;
        this.external = external;
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
        try {
            ScopedValue.where(CURRENT, this).run(this::runTurns);
        } finally {
            finished = true;
        }
    }

    private void runTurns() {
        int turns = 0;
        ActorCell<?> next = cell;
        while (next != null) {
            cell = next;
            boolean again = next.runTurnLogged(this);
            ActorCell<?> handed = takeSuccessor();
            if (again) {
                // The actor used its throughput and still holds its mailbox: fairness.
                if (handed != null) {
                    dispatcher.start(next);
                    next = handed;
                } else {
                    dispatcher.yieldTurn();
                    turns = 0;
                }
            } else {
                next = handed;
            }
            if (++turns >= TURNS_BEFORE_YIELD) {
                // A chain of hand-offs never blocks: let other virtual threads run.
                dispatcher.yieldTurn();
                turns = 0;
            }
        }
    }

    /** Called by the dispatcher on this thread: queue {@code scheduled} to run here, if there is room. */
    boolean offerSuccessor(ActorCell<?> scheduled) {
        if (dispatcher == null || pending == SLOTS) {
            return false;
        }
        if (!watched) {
            watched = true;
            dispatcher.watch(this);
        }
        if (pending == 0) {
            successorTick = dispatcher.tick();
        }
        // The slot at tail is empty: taken by us or stolen by the rescuer, never refilled since.
        SLOT.setRelease(successors, tail, scheduled);
        tail = (tail + 1) & (SLOTS - 1);
        pending++;
        return true;
    }

    /** Whether a handler scheduled an actor for this thread to run next (may be stale after a steal). */
    boolean handOffPending() {
        return pending != 0;
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
            head = (head + 1) & (SLOTS - 1);
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
        for (int i = 0; i < SLOTS; i++) {
            ActorCell<?> waiting = (ActorCell<?>) SLOT.getVolatile(successors, i);
            if (waiting != null && SLOT.compareAndSet(successors, i, waiting, (ActorCell<?>) null)) {
                start.accept(waiting);
            }
        }
    }

    boolean isFinished() {
        return finished;
    }

    /** The rescuer: whether any successor waits (a racy look; {@link #stealAll} decides). */
    boolean hasWaitingSuccessor() {
        for (int i = 0; i < SLOTS; i++) {
            if (SLOT.getVolatile(successors, i) != null) {
                return true;
            }
        }
        return false;
    }
}
