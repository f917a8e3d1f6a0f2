package dev.spindle.actors.internal;

import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Thread-safe. A virtual thread per active actor, with hand-off: an actor whose mailbox becomes
 * non-empty runs on a virtual thread that drains it and ends when it is empty; an idle actor costs
 * no thread; a handler that blocks parks only its own virtual thread. An actor woken by a handler
 * runs next on that handler's thread instead (see {@link Activation}), which makes a chain of
 * actors as cheap as method calls and wakes no thread.
 *
 * <p>The rescuer: one daemon platform thread that, while any activation that has handed off runs,
 * wakes every {@link #TICK_NANOS} and starts on its own thread any successor left pending for a
 * whole tick (its handler blocked or runs long). Activations that never hand off (an actor blocked
 * in its handler, say) are not looked at; while none is left, the rescuer sleeps. It also watches
 * hosts (see {@link Activation#newHost}) while they run or queue hosted turns, and detaches one
 * whose turn has run for two ticks.
 */
final class VirtualThreadDispatcher implements Dispatcher {

    static final long TICK_NANOS = 2_000_000;

    private final ThreadFactory threads;
    /**
     * Activations that handed off, on their way to the rescuer: one offer per activation, where a
     * concurrent set's add and remove took 7% of skynet's JFR execution samples (1.3% now). The
     * rescuer moves them to its own list and drops each once it has finished.
     */
    private final MpscUnboundedAtomicArrayQueue<Activation> newlyWatched = new MpscUnboundedAtomicArrayQueue<>(256);
    private final Thread rescuer;
    private final AtomicBoolean rescuerParked = new AtomicBoolean();
    /**
     * Activations started from platform threads that have not begun to run yet, by every
     * dispatcher of the process: they all share the JDK's one pool of carriers.
     */
    private static final AtomicInteger EXTERNAL_WAITING = new AtomicInteger();
    private volatile long tick;
    private volatile boolean closed;
    /**
     * Activations parked with nothing to run, for {@link #start} to hand an actor to instead of
     * starting a virtual thread (see {@link Activation#linger}). At most {@link #POOLED} (a parked
     * virtual thread is a few hundred bytes); more end. {@code -Dspindle.pooledActivations=0}
     * turns the pool off, for perf's A/B runs; it is not an API.
     */
    private final MpmcAtomicArrayQueue<Activation> idle;
    private static final int POOLED = Integer.getInteger("spindle.pooledActivations", 16);

    VirtualThreadDispatcher(String systemName) {
        this(systemName, POOLED);
    }

    /** @param pooled how many idle activations may park in the pool; 0 for none (a dispatcher never closed) */
    VirtualThreadDispatcher(String systemName, int pooled) {
        this.threads = Thread.ofVirtual().name("spindle-" + systemName + "-actor").factory();
        this.idle = pooled > 0 ? new MpmcAtomicArrayQueue<>(pooled) : null;
        this.rescuer = Thread.ofPlatform().daemon().name("spindle-" + systemName + "-rescuer").unstarted(this::rescue);
        this.rescuer.start();
    }

    @Override
    public void schedule(ActorCell<?> cell) {
        Activation current = Activation.current();
        if (current != null && current.offerSuccessor(cell)) {
            return;
        }
        start(cell, current != null);
    }

    /**
     * Runs {@code cell} on a virtual thread of its own, for the runtime's own threads: an
     * activation letting go of its successors or of a busy actor (an actor's wake-up, so the pool
     * may serve it), or the rescuer and hosts (platform threads, which never use the pool).
     */
    void start(ActorCell<?> cell) {
        start(cell, true);
    }

    /**
     * Runs {@code cell} on a virtual thread of its own: when {@code fromActor} (the caller runs an
     * actor's turn), a parked one from the pool if there is one, else a new one. Measured
     * (ActorComparison, spindle against spindle-nopool, 3 rounds): the pool pays where actors wake
     * actors by the hundred (skynet 1.47x, big 1.30x, banking 1.31x) and costs where one actor at a
     * time is woken from elsewhere (offload's results, from worker threads: 0.54x, as a park and an
     * unpark cost more than a new thread when few threads live), so only actors' wake-ups use it.
     * From a platform thread it never would: an unpark from there is an external submission that
     * {@link #yieldTurn} must count, as it counts new threads.
     */
    void start(ActorCell<?> cell, boolean fromActor) {
        boolean external = !Thread.currentThread().isVirtual();
        if (external) {
            EXTERNAL_WAITING.incrementAndGet();
        } else if (fromActor && idle != null) {
            for (Activation parked; (parked = idle.relaxedPoll()) != null; ) {
                if (parked.wake(cell)) {
                    return;
                }
            }
        }
        threads.newThread(new Activation(this, cell, external)).start();
    }

    /** {@return whether {@code activation} joined the pool of idle ones (false: full, or none)} */
    boolean offerIdle(Activation activation) {
        return idle != null && idle.relaxedOffer(activation);
    }

    boolean isClosed() {
        return closed;
    }

    /** An activation started from outside the virtual threads (a platform thread) began to run. */
    void externalStarted() {
        EXTERNAL_WAITING.decrementAndGet();
    }

    /**
     * Lets other virtual threads run, after an actor used its throughput or a hand-off chain ran
     * long. {@code Thread.yield()} on a virtual thread does not reach work submitted from
     * platform threads while every carrier is busy (measured on JDK 25: a virtual thread started
     * from a platform thread waited over 5 s behind two yielding ones), so when such work waits,
     * park for a moment instead, which frees the carrier.
     */
    void yieldTurn() {
        if (EXTERNAL_WAITING.get() > 0) {
            LockSupport.parkNanos(1);
        } else {
            Thread.yield();
        }
    }

    long tick() {
        return tick;
    }

    /** {@code activation} may now leave successors pending: the rescuer looks at it from now on. */
    void watch(Activation activation) {
        newlyWatched.offer(activation);
        if (rescuerParked.get() && rescuerParked.compareAndSet(true, false)) {
            LockSupport.unpark(rescuer);
        }
    }

    private void rescue() {
        List<Activation> watched = new ArrayList<>();
        // Made once: method references in the loop were two objects per tick while anything is watched.
        MessagePassingQueue.Consumer<Activation> addWatched = watched::add;
        Consumer<ActorCell<?>> start = this::start;
        while (!closed) {
            newlyWatched.drain(addWatched);
            if (watched.isEmpty()) {
                rescuerParked.set(true);
                // Re-check after announcing: an activation queued meanwhile unparks us, or is seen here.
                if (newlyWatched.isEmpty() && !closed) {
                    LockSupport.park(this);
                }
                rescuerParked.set(false);
                continue;
            }
            LockSupport.parkNanos(this, TICK_NANOS);
            long now = ++tick;
            for (int i = watched.size() - 1; i >= 0; i--) {
                Activation activation = watched.get(i);
                if (activation.isHost() ? activation.isFinished() || !activation.rescueHost(now, start)
                        : activation.unwatchIfFinished()) {
                    watched.set(i, watched.getLast());
                    watched.removeLast();
                } else if (activation.isHost()) {
                    continue;
                } else if (now - activation.successorTick >= 2 && activation.hasWaitingSuccessor()) {
                    activation.stealAll(start);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(rescuer);
        if (idle != null) {
            for (Activation parked; (parked = idle.poll()) != null; ) {
                parked.retire();
            }
        }
    }
}
