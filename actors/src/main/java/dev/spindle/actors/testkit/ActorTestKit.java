package dev.spindle.actors.testkit;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.ActorSystemConfig;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.internal.Access;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread-safe. An actor system for tests, with probes and, if asked for, manual time. Close it
 * after each test ({@code try}-with-resources, or {@code @AfterEach}).
 *
 * <pre>{@code
 * try (ActorTestKit kit = ActorTestKit.createWithManualTime()) {
 *     TestProbe<String> probe = kit.createProbe();
 *     kit.spawn(Behavior.setup(ctx -> { ctx.setTimeout(Duration.ofSeconds(30), "late"); ... }));
 *     kit.manualTime().advance(Duration.ofSeconds(30));   // the timer fires now, not in 30 s
 * }
 * }</pre>
 */
public final class ActorTestKit implements AutoCloseable {

    private final ActorSystem system;
    private final ManualTime manualTime;
    private final AtomicInteger names = new AtomicInteger();

    private ActorTestKit(ActorSystem system, ManualTime manualTime) {
        this.system = system;
        this.manualTime = manualTime;
    }

    /** {@return a kit on a system with the default configuration and the real clock} */
    public static ActorTestKit create() {
        return new ActorTestKit(ActorSystem.create("testkit"), null);
    }

    /** {@return a kit on a system with the given configuration and the real clock} */
    public static ActorTestKit create(ActorSystemConfig config) {
        return new ActorTestKit(ActorSystem.create("testkit", config), null);
    }

    /** {@return a kit whose timers fire only when {@link ManualTime#advance} says so} */
    public static ActorTestKit createWithManualTime() {
        return createWithManualTime(ActorSystemConfig.defaults());
    }

    /** {@return a kit with the given configuration whose timers fire only on {@link ManualTime#advance}} */
    public static ActorTestKit createWithManualTime(ActorSystemConfig config) {
        ManualTime time = new ManualTime();
        return new ActorTestKit(Access.createSystem("testkit", config, time.scheduler()), time);
    }

    public ActorSystem system() {
        return system;
    }

    /** {@return the manual clock} @throws IllegalStateException if the kit runs on the real clock */
    public ManualTime manualTime() {
        if (manualTime == null) {
            throw new IllegalStateException("this kit runs on the real clock: use createWithManualTime()");
        }
        return manualTime;
    }

    public <M> ActorRef<M> spawn(Behavior<M> behavior, String name) {
        return system.spawn(behavior, name);
    }

    public <M> ActorRef<M> spawn(Behavior<M> behavior) {
        return system.spawn(behavior, "actor-" + names.incrementAndGet());
    }

    public <M> TestProbe<M> createProbe() {
        return new TestProbe<>(system, "probe-" + names.incrementAndGet());
    }

    @Override
    public void close() {
        system.close();
    }
}
