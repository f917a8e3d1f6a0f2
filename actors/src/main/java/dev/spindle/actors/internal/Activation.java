package dev.spindle.actors.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Confined to the virtual thread that runs it, except {@link #successor}, which the dispatcher's
 * rescuer may steal. One stretch of turns on one thread: the actor it was started for, then the
 * actors its turns handed off to, until none is left.
 *
 * <p><b>Hand-off.</b> When a handler sends to an idle actor, that actor need not get a thread of
 * its own: it becomes this activation's successor and runs on this thread as soon as the current
 * actor has nothing left, with no thread start and no wake-up (measured: ping-pong between two
 * actors goes from about 1.5 to about 50 million messages a second on this 2-core VM, see
 * ARCHITECTURE.md). One successor at most; further idle actors scheduled meanwhile, and the
 * successor of an actor that still has messages after the handler returns, get threads of their
 * own, so no actor waits for another's backlog.
 *
 * <p>A handler that sends and then blocks would hold its successor hostage: the dispatcher's
 * rescuer steals a successor left pending for more than one of its ticks and starts it on its own
 * thread, so a blocking handler delays the actor it woke by at most a few milliseconds, and no
 * other actor at all.
 */
public final class Activation implements Runnable {

    private static final ScopedValue<Activation> CURRENT = ScopedValue.newInstance();
    private static final VarHandle SUCCESSOR;
    /** Hand-offs in a row before this thread lets other virtual threads on its carrier run. */
    private static final int TURNS_BEFORE_YIELD = 256;

    static {
        try {
            SUCCESSOR = MethodHandles.lookup().findVarHandle(Activation.class, "successor", ActorCell.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final VirtualThreadDispatcher dispatcher;
    /** The actor whose turn is running. */
    private ActorCell<?> cell;
    /** An idle actor a handler scheduled, to run next on this thread; stolen by the rescuer if it waits too long. */
    private volatile ActorCell<?> successor;
    /** The rescuer's tick when the successor was set. */
    volatile long successorTick;
    /** Whether the rescuer watches this activation: from its first successor on, so blocked actors that hand off nothing cost the rescuer nothing. */
    private boolean watched;

    Activation(VirtualThreadDispatcher dispatcher, ActorCell<?> cell) {
        this.dispatcher = dispatcher;
        this.cell = cell;
    }

    /**
     * Runs one turn of {@code cell} on the calling thread, without hand-off: for dispatchers other
     * than the runtime's own (perf's rejected alternatives), which decide themselves where an actor
     * runs.
     *
     * @return {@code true} if the actor still holds its mailbox and must be run again
     */
    public static boolean runOneTurn(ActorCell<?> cell) {
        Activation detached = new Activation(null, cell);
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
        try {
            ScopedValue.where(CURRENT, this).run(this::runTurns);
        } finally {
            if (watched) {
                dispatcher.unwatch(this);
            }
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
                    Thread.yield();
                    turns = 0;
                }
            } else {
                next = handed;
            }
            if (++turns >= TURNS_BEFORE_YIELD) {
                // A chain of hand-offs never blocks: let other virtual threads on this carrier run.
                Thread.yield();
                turns = 0;
            }
        }
    }

    /** Called by the dispatcher on this thread: take {@code scheduled} as the successor if there is none. */
    boolean offerSuccessor(ActorCell<?> scheduled) {
        if (dispatcher == null || successor != null) {
            return false;
        }
        if (!watched) {
            watched = true;
            dispatcher.watch(this);
        }
        successorTick = dispatcher.tick();
        successor = scheduled;
        return true;
    }

    /** Whether a handler scheduled an actor for this thread to run next. */
    boolean handOffPending() {
        return successor != null;
    }

    /** The current actor still has messages: its successor gets a thread of its own now. */
    void releaseHandOff() {
        ActorCell<?> handed = takeSuccessor();
        if (handed != null) {
            dispatcher.start(handed);
        }
    }

    private ActorCell<?> takeSuccessor() {
        return successor == null ? null : (ActorCell<?>) SUCCESSOR.getAndSet(this, (ActorCell<?>) null);
    }

    /** The rescuer: take the successor if it is still {@code pending}. */
    boolean steal(ActorCell<?> pending) {
        return SUCCESSOR.compareAndSet(this, pending, (ActorCell<?>) null);
    }

    ActorCell<?> pendingSuccessor() {
        return successor;
    }
}
