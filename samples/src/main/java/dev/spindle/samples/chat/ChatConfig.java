package dev.spindle.samples.chat;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable. The chat's limits, validated here.
 *
 * @param history    messages each room keeps, on the primary and on every worker: what a client
 *                   that reconnects can be given, and what a worker that comes online is sent
 *                   ({@code -Dhistory=N}, default 2,000: 10 s of a room at 200 messages a second)
 * @param stallLimit how long a stream may have bytes waiting, none of them taken by its client,
 *                   before it counts as not reading and is dropped (10 s)
 */
record ChatConfig(int history, Duration stallLimit) {

    /** The most a room keeps: a worker's snapshot of 3 rooms stays some tens of MB at worst. */
    static final int MAX_HISTORY = 100_000;

    ChatConfig {
        Objects.requireNonNull(stallLimit, "stallLimit");
        if (history < 1 || history > MAX_HISTORY) {
            throw new IllegalArgumentException("history must be 1 to " + MAX_HISTORY + " messages: " + history);
        }
        if (stallLimit.isNegative() || stallLimit.isZero()) {
            throw new IllegalArgumentException("stallLimit must be positive: " + stallLimit);
        }
    }

    /** {@return the defaults, with {@code -Dhistory=N} if given} */
    static ChatConfig defaults() {
        return new ChatConfig(Integer.getInteger("history", 2_000), Duration.ofSeconds(10));
    }

    ChatConfig withHistory(int messages) {
        return new ChatConfig(messages, stallLimit);
    }

    ChatConfig withStallLimit(Duration limit) {
        return new ChatConfig(history, limit);
    }
}
