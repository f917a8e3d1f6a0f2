package dev.spindle.metrics;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.DeadLetter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.lang.ref.WeakReference;
import java.util.Locale;

/** Thread-safe (stateless). The meters of an actor system; see {@link SpindleMetrics#bind(MeterRegistry, ActorSystem)}. */
final class ActorSystemMeters {

    /** Mailbox depths as histogram buckets: powers of two up to a million. */
    private static final double[] DEPTH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, 4096, 16_384, 65_536, 1 << 20};

    private ActorSystemMeters() {
    }

    static BoundMeters bind(MeterRegistry registry, ActorSystem system) {
        BoundMeters bound = new BoundMeters(registry);
        Tags tags = Tags.of("system", system.name());
        bound.add(Gauge.builder("spindle.actors.alive", system, s -> s.stats().alive())
                .description("Actors spawned and not yet stopped").tags(tags).register(registry));
        bound.add(FunctionCounter.builder("spindle.actors.spawned", system, s -> s.stats().spawned())
                .description("Actors spawned, children included").tags(tags).register(registry));
        bound.add(FunctionCounter.builder("spindle.actors.messages.processed", system, s -> s.stats().processed())
                .description("User messages handed to behaviors").tags(tags).register(registry));
        bound.add(FunctionCounter.builder("spindle.actors.processing.time", system, s -> s.stats().busyNanos() / 1e9)
                .description("Wall time threads spent running actors' turns").baseUnit("seconds").tags(tags)
                .register(registry));
        bound.add(FunctionCounter.builder("spindle.actors.restarts", system, s -> s.stats().restarts())
                .description("Restarts by supervision").tags(tags).register(registry));
        for (DeadLetter.Reason reason : DeadLetter.Reason.values()) {
            bound.add(FunctionCounter.builder("spindle.actors.dead.letters", system, s -> s.deadLetters().count(reason))
                    .description("Messages that reached no behavior, by reason").tags(tags)
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        DistributionSummary depth = bound.add(DistributionSummary.builder("spindle.actors.mailbox.depth")
                .description("User messages waiting in an actor's mailbox as its turn starts (sampled: a thread's first turn, and after each yield)")
                .baseUnit("messages").tags(tags).serviceLevelObjectives(DEPTH_BUCKETS).register(registry));
        system.sampleMailboxDepths(depth::record);
        bound.onClose(() -> system.sampleMailboxDepths(null));
        return bound;
    }

    static BoundMeters bindMailbox(MeterRegistry registry, ActorSystem system, ActorRef<?> actor) {
        system.stats(actor); // an actor of another system is refused now, not at the first scrape
        BoundMeters bound = new BoundMeters(registry);
        // Weakly, as the gauge holds the actor: a closed system nobody holds is not kept alive by its meter.
        WeakReference<ActorSystem> weakSystem = new WeakReference<>(system);
        bound.add(Gauge.builder("spindle.actor.mailbox.depth", actor, a -> {
                    ActorSystem s = weakSystem.get();
                    return s == null ? Double.NaN : s.stats(a).mailboxDepth();
                })
                .description("User messages waiting in this actor's mailbox").baseUnit("messages")
                .tags("system", system.name(), "actor", actor.path().toString()).register(registry));
        return bound;
    }
}
