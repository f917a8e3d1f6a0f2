package dev.spindle.perf.alternatives;

import dev.spindle.actors.internal.Activation;
import dev.spindle.actors.internal.ActorCell;
import dev.spindle.actors.internal.Dispatcher;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Thread-safe. Candidate (c), Vert.x's and Node's way: one platform event loop per core, each
 * owning the actors hashed to it. An actor scheduled from its own loop goes on a local queue (no
 * wake-up); from elsewhere, on the loop's MPSC queue, waking the loop if it sleeps. Rejected:
 * a handler that blocks freezes every actor of its loop, which is exactly Node's weakness.
 */
public final class EventLoopDispatcher implements Dispatcher {

    private final Loop[] loops;

    public EventLoopDispatcher(String systemName) {
        loops = new Loop[Runtime.getRuntime().availableProcessors()];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new Loop("spindle-" + systemName + "-loop-" + i);
        }
    }

    @Override
    public void schedule(ActorCell<?> cell) {
        Loop owner = loops[Math.floorMod(System.identityHashCode(cell), loops.length)];
        if (Thread.currentThread() == owner.thread) {
            owner.local.addLast(cell);
        } else {
            owner.remote.offer(cell);
            owner.wake();
        }
    }

    @Override
    public void close() {
        for (Loop loop : loops) {
            loop.running = false;
            LockSupport.unpark(loop.thread);
        }
    }

    private static final class Loop implements Runnable {
        final ArrayDeque<ActorCell<?>> local = new ArrayDeque<>();
        final MpscUnboundedAtomicArrayQueue<ActorCell<?>> remote = new MpscUnboundedAtomicArrayQueue<>(1024);
        final AtomicBoolean sleeping = new AtomicBoolean();
        final Thread thread;
        volatile boolean running = true;

        Loop(String name) {
            thread = Thread.ofPlatform().daemon().name(name).start(this);
        }

        void wake() {
            if (sleeping.get() && sleeping.compareAndSet(true, false)) {
                LockSupport.unpark(thread);
            }
        }

        /** Empty polls before the loop parks: about 50 µs of spinning and yielding here. */
        private static final int SPINS_BEFORE_PARK = 2_000;
        private int idle;

        @Override
        public void run() {
            while (running) {
                ActorCell<?> cell = local.pollFirst();
                if (cell == null) {
                    cell = remote.relaxedPoll();
                }
                if (cell == null && ++idle < SPINS_BEFORE_PARK) {
                    // Agrona-style backoff: spin, then yield, before paying ~35 us for a park and
                    // wake-up; without it, actors on different loops pay one wake-up per message.
                    if (idle < SPINS_BEFORE_PARK / 2) {
                        Thread.onSpinWait();
                    } else {
                        Thread.yield();
                    }
                    continue;
                }
                if (cell == null) {
                    idle = 0;
                    sleeping.set(true);
                    if (remote.isEmpty() && running) {
                        LockSupport.park(this);
                    }
                    sleeping.set(false);
                    continue;
                }
                idle = 0;
                if (Activation.runOneTurn(cell)) {
                    local.addLast(cell);
                }
            }
        }
    }
}
