package dev.spindle.actors.internal;

import dev.spindle.actors.Cancellable;

/**
 * Actor-thread only, except {@link #fire} (the scheduler's thread) and {@link #isCancelled}. A
 * {@code setTimeout} or {@code setInterval} of one actor. Its message travels in the user lane as
 * this envelope, so a cancel on the actor's thread drops a message that is already on its way.
 */
final class Timer implements Cancellable, Envelope, Runnable {

    private final ActorCell<?> owner;
    private final Object message;
    /** Zero for a timeout. */
    private final long periodNanos;
    private volatile boolean cancelled;
    private volatile Scheduler.Scheduled scheduled;

    Timer(ActorCell<?> owner, Object message, long periodNanos) {
        this.owner = owner;
        this.message = message;
        this.periodNanos = periodNanos;
    }

    void start(long delayNanos) {
        scheduled = owner.runtime.scheduler.schedule(delayNanos, this);
    }

    /** On the scheduler's thread: send, and for an interval, schedule the next. */
    @Override
    public void run() {
        if (cancelled) {
            return;
        }
        owner.enqueue(this);
        if (periodNanos > 0 && !cancelled) {
            start(periodNanos);
        }
    }

    @Override
    public Object open(ActorCell<?> recipient) {
        if (cancelled) {
            return null;
        }
        if (periodNanos == 0) {
            cancelled = true;
            forget();
        }
        return message;
    }

    private void forget() {
        Extras<?> extras = owner.extrasOrNull();
        if (extras != null) {
            extras.removeTimer(this);
        }
    }

    @Override
    public Object payload() {
        return message;
    }

    @Override
    public boolean isCalledOff() {
        return cancelled;
    }

    @Override
    public boolean cancel() {
        if (cancelled) {
            return false;
        }
        cancelled = true;
        Scheduler.Scheduled pending = scheduled;
        if (pending != null) {
            pending.cancel();
        }
        if (owner.isCurrentActor()) {
            forget();
        }
        return true;
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }
}
