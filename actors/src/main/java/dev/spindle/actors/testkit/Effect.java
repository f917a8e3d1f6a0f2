package dev.spindle.actors.testkit;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.Behavior;

import java.time.Duration;

/** Immutable. Something a behavior did to its context, recorded by {@link BehaviorTestKit}. */
public sealed interface Effect {

    /** A child was spawned under {@code name} (for an anonymous one, the generated name). */
    record Spawned(String name, Behavior<?> behavior, ActorRef<?> ref) implements Effect {
    }

    /** {@code ctx.stop(child)} for the child of that name. */
    record Stopped(String childName) implements Effect {
    }

    /** {@code ctx.watch(other)}. */
    record Watched(ActorRef<?> other) implements Effect {
    }

    /** {@code ctx.unwatch(other)}. */
    record Unwatched(ActorRef<?> other) implements Effect {
    }

    /** {@code setTimeout} ({@code repeating} false) or {@code setInterval} (true). */
    record TimerScheduled(Duration delay, Object message, boolean repeating) implements Effect {
    }

    /** A timer was cancelled before it fired. */
    record TimerCancelled(Object message) implements Effect {
    }

    /** {@code ctx.offload}: the work ran at once, and its message is in the self inbox. */
    record Offloaded(Object resultMessage) implements Effect {
    }
}
