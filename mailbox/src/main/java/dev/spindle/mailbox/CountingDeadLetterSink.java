package dev.spindle.mailbox;

import java.util.concurrent.atomic.LongAdder;

/**
 * Thread-safe. A dead-letter sink that counts what it receives, by reason, and passes each message
 * on to a downstream sink.
 */
public final class CountingDeadLetterSink implements DeadLetterSink<Object, Object> {

    private static final DropReason[] REASONS = DropReason.values();

    private final LongAdder[] dropped = new LongAdder[REASONS.length];
    private final LongAdder systemDropped = new LongAdder();
    private final DeadLetterSink<Object, Object> downstream;

    /** A sink that only counts. */
    public CountingDeadLetterSink() {
        this(null);
    }

    /**
     * @param downstream receives every message after it was counted, or {@code null} for none
     */
    public CountingDeadLetterSink(DeadLetterSink<Object, Object> downstream) {
        for (int i = 0; i < dropped.length; i++) {
            dropped[i] = new LongAdder();
        }
        this.downstream = downstream;
    }

    @Override
    public void onDropped(Object message, DropReason reason) {
        dropped[reason.ordinal()].increment();
        if (downstream != null) {
            downstream.onDropped(message, reason);
        }
    }

    @Override
    public void onSystemDropped(Object message) {
        systemDropped.increment();
        if (downstream != null) {
            downstream.onSystemDropped(message);
        }
    }

    /** {@return how many user messages were dropped for this reason} */
    public long dropped(DropReason reason) {
        return dropped[reason.ordinal()].sum();
    }

    /** {@return how many user messages were dropped, for any reason} */
    public long dropped() {
        long sum = 0;
        for (LongAdder adder : dropped) {
            sum += adder.sum();
        }
        return sum;
    }

    /** {@return how many system messages reached a closed mailbox} */
    public long systemDropped() {
        return systemDropped.sum();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CountingDeadLetterSink{");
        for (DropReason reason : REASONS) {
            sb.append(reason).append('=').append(dropped(reason)).append(", ");
        }
        return sb.append("SYSTEM=").append(systemDropped()).append('}').toString();
    }
}
