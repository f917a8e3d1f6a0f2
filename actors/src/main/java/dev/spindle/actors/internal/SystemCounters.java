package dev.spindle.actors.internal;

import dev.spindle.actors.ActorSystemStats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;

/**
 * Thread-safe. An actor system's running totals ({@link ActorSystemStats}) and its mailbox-depth
 * sampler. Nothing here is touched per message: spawns, stops and restarts count one each, and
 * activations add up processed messages and busy time in plain fields of their own and flush them
 * here ({@link Activation}'s tally) a few times per run of turns.
 */
final class SystemCounters {

    final LongAdder spawned = new LongAdder();
    final LongAdder stopped = new LongAdder();
    final LongAdder processed = new LongAdder();
    final LongAdder busyNanos = new LongAdder();
    final LongAdder restarts = new LongAdder();
    /** Given mailbox depths as turns start (sampled); null: nobody asked, and nothing is read. */
    volatile IntConsumer depthSampler;
    /** To drop a sampler that threw, unless another replaced it meanwhile. */
    static final VarHandle DEPTH_SAMPLER;
    static {
        try {
            DEPTH_SAMPLER = MethodHandles.lookup().findVarHandle(SystemCounters.class, "depthSampler", IntConsumer.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    ActorSystemStats snapshot() {
        return new ActorSystemStats(spawned.sum(), stopped.sum(), processed.sum(), busyNanos.sum(), restarts.sum());
    }

    /** An activation's tally: {@code messages} handled in {@code nanos} of running turns. */
    void add(long messages, long nanos) {
        if (messages != 0) {
            processed.add(messages);
        }
        busyNanos.add(nanos);
    }
}
