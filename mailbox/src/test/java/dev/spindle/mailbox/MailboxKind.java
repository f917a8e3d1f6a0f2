package dev.spindle.mailbox;

import java.util.function.BiFunction;

/** Every mailbox configuration the contract suite runs against. */
enum MailboxKind {
    RING_FAIL(true, 64, (capacity, sink) -> new MpscRingMailbox<>(capacity, OverflowPolicy.FAIL, sink)),
    RING_DROP_NEWEST(true, 64, (capacity, sink) -> new MpscRingMailbox<>(capacity, OverflowPolicy.DROP_NEWEST, sink)),
    CHUNKED(false, Integer.MAX_VALUE, (capacity, sink) -> new MpscChunkedMailbox<>(4, sink)),
    CHUNKED_DEFAULT(false, Integer.MAX_VALUE, (capacity, sink) -> new MpscChunkedMailbox<>(sink)),
    BOUNDED_FAIL(true, 64, (capacity, sink) -> new MpscBoundedMailbox<>(capacity, OverflowPolicy.FAIL, sink)),
    BOUNDED_DROP_NEWEST(true, 64, (capacity, sink) -> new MpscBoundedMailbox<>(capacity, OverflowPolicy.DROP_NEWEST, sink)),
    BOUNDED_DROP_OLDEST(true, 64, (capacity, sink) -> new MpscBoundedMailbox<>(capacity, OverflowPolicy.DROP_OLDEST, sink));

    final boolean bounded;
    final int defaultCapacity;
    private final BiFunction<Integer, DeadLetterSink<Object, Object>, Mailbox<Object, Object>> factory;

    MailboxKind(boolean bounded, int defaultCapacity,
                BiFunction<Integer, DeadLetterSink<Object, Object>, Mailbox<Object, Object>> factory) {
        this.bounded = bounded;
        this.defaultCapacity = defaultCapacity;
        this.factory = factory;
    }

    Mailbox<Object, Object> create(DeadLetterSink<Object, Object> sink) {
        return factory.apply(defaultCapacity, sink);
    }

    Mailbox<Object, Object> create(int capacity, DeadLetterSink<Object, Object> sink) {
        return factory.apply(capacity, sink);
    }

    OverflowPolicy policy() {
        return switch (this) {
            case RING_FAIL, BOUNDED_FAIL -> OverflowPolicy.FAIL;
            case RING_DROP_NEWEST, BOUNDED_DROP_NEWEST -> OverflowPolicy.DROP_NEWEST;
            case BOUNDED_DROP_OLDEST -> OverflowPolicy.DROP_OLDEST;
            case CHUNKED, CHUNKED_DEFAULT -> null;
        };
    }
}
