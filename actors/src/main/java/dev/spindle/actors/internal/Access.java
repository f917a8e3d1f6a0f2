package dev.spindle.actors.internal;

import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.ActorSystemConfig;

import java.util.Objects;

/**
 * Thread-safe. How the testkit reaches what the API does not offer: an actor system on a scheduler
 * of the testkit's choosing (manual time). {@link ActorSystem} registers its private constructor
 * here when its class initializes.
 */
public final class Access {

    /** Makes an actor system with the given scheduler. */
    @FunctionalInterface
    public interface SystemFactory {
        ActorSystem create(String name, ActorSystemConfig config, Scheduler scheduler);
    }

    private static volatile SystemFactory systems;

    private Access() {
    }

    public static void register(SystemFactory factory) {
        systems = Objects.requireNonNull(factory, "factory");
    }

    /** {@return a new actor system whose timers run on {@code scheduler}} */
    public static ActorSystem createSystem(String name, ActorSystemConfig config, Scheduler scheduler) {
        try {
            // Initializing ActorSystem registers the factory.
            Class.forName(ActorSystem.class.getName(), true, ActorSystem.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return systems.create(name, config, Objects.requireNonNull(scheduler, "scheduler"));
    }
}
