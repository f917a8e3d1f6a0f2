package dev.spindle.stress.negative;

import dev.spindle.mailbox.MailboxHandler;
import dev.spindle.mailbox.Offer;
import dev.spindle.stress.HandshakeSubject;
import dev.spindle.stress.Recorder;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Thread-safe for producers, deliberately broken: the scheduling handshake of
 * {@code dev.spindle.mailbox.AbstractMailbox}, copied step for step, with its two StoreLoad fences
 * taken out. Each side now stores (message, or "idle") and then loads (state, or queue) with only
 * release/acquire ordering, which lets the load pass the store, on x86 through the store buffer:
 * the producer reads a stale HELD and the consumer a stale empty queue, and a message is left
 * with nobody to schedule its consumer.
 *
 * <p>{@code state} is written with {@code setRelease}, never as a volatile: HotSpot follows a
 * volatile store with a full fence on x86, which would repair the bug by accident. The user queue
 * is a small array of slots claimed with an atomic add; no system lane.
 */
public final class UnfencedMailbox implements HandshakeSubject {

    private static final int HELD = 1;

    private static final VarHandle STATE;
    private static final VarHandle CLAIMED;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(String[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(UnfencedMailbox.class, "state", int.class);
            CLAIMED = lookup.findVarHandle(UnfencedMailbox.class, "claimed", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** More than the handshake scenario ever offers to one mailbox. */
    private final String[] slots = new String[8];
    @SuppressWarnings("unused") // through CLAIMED
    private int claimed;
    @SuppressWarnings("unused") // through STATE
    private int state;
    /** Holder only. */
    private int consumed;

    @Override
    public Offer offer(String message) {
        int index = (int) CLAIMED.getAndAdd(this, 1);
        SLOT.setRelease(slots, index, message);
        // BROKEN ON PURPOSE: AbstractMailbox.afterPublish() has VarHandle.fullFence() here.
        int s;
        do {
            s = (int) STATE.getAcquire(this);
            if ((s & HELD) != 0) {
                return Offer.ENQUEUED;
            }
        } while (!STATE.compareAndSet(this, s, s | HELD));
        return Offer.SCHEDULE;
    }

    @Override
    public Offer offerSystem(String message) {
        throw new UnsupportedOperationException("the negative control has no system lane");
    }

    @Override
    public boolean trySchedule() {
        return (int) STATE.getAcquire(this) == 0 && STATE.compareAndSet(this, 0, HELD);
    }

    @Override
    public int drain(MailboxHandler<Object, Object> handler, int limit) {
        int taken = 0;
        while (taken < limit && !isEmpty()) {
            String message = (String) SLOT.getAcquire(slots, consumed++);
            taken++;
            if (!handler.onMessage(message)) {
                break;
            }
        }
        return taken;
    }

    @Override
    public boolean tryIdle() {
        int held = (int) STATE.getAcquire(this);
        if (!isEmpty()) {
            return false;
        }
        int released = held & ~HELD;
        STATE.setRelease(this, released);
        // BROKEN ON PURPOSE: AbstractMailbox.tryIdle() has VarHandle.fullFence() here.
        if (isEmpty()) {
            return true;
        }
        return !STATE.compareAndSet(this, released, held);
    }

    @Override
    public boolean isScheduled() {
        return ((int) STATE.getAcquire(this) & HELD) != 0;
    }

    private boolean isEmpty() {
        return consumed == slots.length || SLOT.getAcquire(slots, consumed) == null;
    }

    /** {@return a new mailbox, held by the caller, empty, that has taken one message before} */
    public static UnfencedMailbox heldAfterOneMessage() {
        UnfencedMailbox mailbox = new UnfencedMailbox();
        if (!mailbox.trySchedule() || mailbox.offer("F") != Offer.ENQUEUED
                || mailbox.drain(new Recorder(), 1) != 1) {
            throw new IllegalStateException("set-up failed");
        }
        return mailbox;
    }
}
