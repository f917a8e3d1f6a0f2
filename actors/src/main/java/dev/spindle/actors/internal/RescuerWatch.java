package dev.spindle.actors.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Thread-safe. Whether the rescuer has an activation on its watch list, and whether the
 * activation has finished: the two flags on which an activation that is reused from the pool and
 * the rescuer forgetting it meet. Apart from {@link Activation} so that the stress module's
 * jcstress test ({@code RescuerWatchRace}) runs this very code.
 *
 * <p>The protocol: the activation registers only if it wins the CAS of {@code watched} from false
 * to true ({@link #claimWatch}); the rescuer clears {@code watched} only for a finished activation,
 * then reads {@code finished} again ({@link #unwatchIfFinished}). An activation taken from the pool
 * writes {@code finished = false} before it reads {@code watched}. Two volatile writes, each
 * followed by a read of the other's variable: at least one side sees the other, so either the
 * activation registers anew (and the rescuer drops its old entry) or the rescuer keeps its entry
 * (and the activation does not register): exactly one entry, never none, never two.
 */
abstract class RescuerWatch {

    private static final VarHandle WATCHED;
    static {
        try {
            WATCHED = MethodHandles.lookup().findVarHandle(RescuerWatch.class, "watched", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Whether the rescuer has this activation on its list (or is about to: the CAS winner adds it). */
    private volatile boolean watched;
    /** Set when the activation's thread is done or parked in the pool; cleared when it is reused. */
    private volatile boolean finished;

    /** The activation, on its first hand-off. {@return whether it must put itself on the rescuer's list} */
    final boolean claimWatch() {
        return !watched && WATCHED.compareAndSet(this, false, true);
    }

    /** The rescuer, about an activation on its list. {@return whether to drop it: it has finished} */
    final boolean unwatchIfFinished() {
        if (!finished) {
            return false;
        }
        WATCHED.setVolatile(this, false);
        return finished || !WATCHED.compareAndSet(this, false, true);
    }

    final boolean isFinished() {
        return finished;
    }

    /** The activation's thread is done, or parks in the pool. */
    final void markFinished() {
        finished = true;
    }

    /** The activation was taken from the pool: it runs again (before it next reads {@code watched}). */
    final void markRunning() {
        finished = false;
    }
}
