package dev.spindle.actors.internal;

/**
 * Confined to the thread that runs it. One stretch of turns on one thread: the actor it was
 * started for, run until it lets go of its mailbox.
 */
final class Activation implements Runnable {

    private static final ScopedValue<Activation> CURRENT = ScopedValue.newInstance();

    private final ActorCell<?> cell;

    Activation(ActorCell<?> cell) {
        this.cell = cell;
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
        ScopedValue.where(CURRENT, this).run(this::runTurns);
    }

    private void runTurns() {
        while (cell.runTurnLogged(this)) {
            // Fairness: the actor used its throughput and still holds its mailbox. Let every
            // other runnable actor on this carrier go first, then run it again.
            Thread.yield();
        }
    }

    /** Whether the handler scheduled an actor for this thread to run next; never, in this dispatcher. */
    boolean handOffPending() {
        return false;
    }

    void releaseHandOff() {
        // nothing to release
    }
}
