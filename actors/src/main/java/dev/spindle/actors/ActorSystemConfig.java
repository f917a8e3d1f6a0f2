package dev.spindle.actors;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable. How an {@link ActorSystem} runs; {@link #defaults()} works out of the box, and each
 * {@code withX} returns a validated copy.
 *
 * @param throughput      the most user messages an actor handles in one turn before other actors
 *                        get their turn (fairness); at least 1
 * @param stashCapacity   the most messages one actor may stash, or keep during a restart backoff
 * @param shutdownTimeout how long {@link ActorSystem#close()} waits for actors to stop
 * @param mailbox         the mailbox an actor gets unless spawned with other {@link SpawnOptions}
 * @param maxOffloadsPerActor how many {@link ActorContext#offload} works of one actor run at once;
 *                        more wait their turn
 */
public record ActorSystemConfig(int throughput, int stashCapacity, Duration shutdownTimeout, MailboxSpec mailbox,
                                int maxOffloadsPerActor) {

    public ActorSystemConfig {
        if (throughput < 1) {
            throw new IllegalArgumentException("throughput must be at least 1: " + throughput);
        }
        if (stashCapacity < 0) {
            throw new IllegalArgumentException("stashCapacity must be >= 0: " + stashCapacity);
        }
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        if (shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("shutdownTimeout must be >= 0: " + shutdownTimeout);
        }
        Objects.requireNonNull(mailbox, "mailbox");
        if (maxOffloadsPerActor < 1) {
            throw new IllegalArgumentException("maxOffloadsPerActor must be at least 1: " + maxOffloadsPerActor);
        }
    }

    /**
     * {@return 64 messages per turn, a stash of 10,000, 30 s to shut down, unbounded mailboxes, 256
     * offloaded works at once per actor}
     */
    public static ActorSystemConfig defaults() {
        return new ActorSystemConfig(64, 10_000, Duration.ofSeconds(30), MailboxSpec.unbounded(), 256);
    }

    public ActorSystemConfig withThroughput(int messagesPerTurn) {
        return new ActorSystemConfig(messagesPerTurn, stashCapacity, shutdownTimeout, mailbox, maxOffloadsPerActor);
    }

    public ActorSystemConfig withStashCapacity(int messages) {
        return new ActorSystemConfig(throughput, messages, shutdownTimeout, mailbox, maxOffloadsPerActor);
    }

    public ActorSystemConfig withShutdownTimeout(Duration timeout) {
        return new ActorSystemConfig(throughput, stashCapacity, timeout, mailbox, maxOffloadsPerActor);
    }

    public ActorSystemConfig withMailbox(MailboxSpec spec) {
        return new ActorSystemConfig(throughput, stashCapacity, shutdownTimeout, spec, maxOffloadsPerActor);
    }

    public ActorSystemConfig withMaxOffloadsPerActor(int max) {
        return new ActorSystemConfig(throughput, stashCapacity, shutdownTimeout, mailbox, max);
    }
}
