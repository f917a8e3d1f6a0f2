package dev.spindle.actors;

import dev.spindle.actors.internal.Access;
import dev.spindle.actors.internal.Runtime;
import dev.spindle.actors.internal.Scheduler;

import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.IntConsumer;

/**
 * Thread-safe. A tree of actors and what runs them. Each actor handles one message at a time on a
 * virtual thread of its own while it has messages, and costs no thread while it has none; an actor
 * that blocks parks only itself.
 *
 * <pre>{@code
 * try (ActorSystem system = ActorSystem.create("shop")) {
 *     ActorRef<Counter> counter = system.spawn(Counter.create(), "counter");
 *     counter.tell(new Counter.Add(5));
 *     int total = counter.<Integer>ask(Counter.Get::new, Duration.ofSeconds(1)).toCompletableFuture().join();
 * }
 * }</pre>
 *
 * <p>The guarantees, for every actor:
 * <ul>
 *   <li>one message at a time, never two at once, and each handling happens-before the next;</li>
 *   <li>messages from one sender arrive in the order sent;</li>
 *   <li>fairness: after {@link ActorSystemConfig#throughput()} messages in a row an actor lets
 *       others run before it goes on;</li>
 *   <li>a handler that throws never takes down the process or another actor: its supervision
 *       decides (by default, it stops), and its watchers hear of it;</li>
 *   <li>a message that reaches no behavior is a dead letter, counted in {@link #deadLetters()}.</li>
 * </ul>
 */
public final class ActorSystem implements AutoCloseable {

    private final String name;
    private final Runtime runtime;

    static {
        // The testkit makes systems on manual time through this; it is not an API.
        Access.register(ActorSystem::new);
    }

    private ActorSystem(String name, ActorSystemConfig config) {
        this(name, config, null);
    }

    private ActorSystem(String name, ActorSystemConfig config, Scheduler scheduler) {
        this.name = name;
        this.runtime = new Runtime(this, name, config, scheduler);
    }

    /** {@return a new actor system with the {@linkplain ActorSystemConfig#defaults() defaults}} */
    public static ActorSystem create(String name) {
        return create(name, ActorSystemConfig.defaults());
    }

    /** {@return a new actor system} */
    public static ActorSystem create(String name, ActorSystemConfig config) {
        checkName(name);
        return new ActorSystem(name, Objects.requireNonNull(config, "config"));
    }

    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
            throw new IllegalArgumentException("a system name is letters, digits, '-' and '_': \"" + name + '"');
        }
    }

    /** {@return the system's name} */
    public String name() {
        return name;
    }

    /**
     * Spawns a top-level actor, at {@code /user/<name>}.
     *
     * @throws IllegalArgumentException if a living top-level actor has the name, or the name is
     *     empty, contains {@code /} or starts with {@code $}
     * @throws IllegalStateException    if the system is closing
     */
    public <M> ActorRef<M> spawn(Behavior<M> behavior, String name) {
        return runtime.spawnTopLevel(behavior, name, SpawnOptions.defaults());
    }

    /** Spawns a top-level actor with options: its mailbox, say. */
    public <M> ActorRef<M> spawn(Behavior<M> behavior, String name, SpawnOptions options) {
        return runtime.spawnTopLevel(behavior, name, options);
    }

    /** Spawns a top-level actor under a generated name, starting with {@code $}. */
    public <M> ActorRef<M> spawnAnonymous(Behavior<M> behavior) {
        return runtime.spawnTopLevel(behavior, null, SpawnOptions.defaults());
    }

    /**
     * {@return the pub-sub topic of that name, made on first use; its router is an actor of this
     * system}
     *
     * @throws IllegalArgumentException if the topic exists with another message type
     */
    public <T> Topic<T> topic(String name, Class<T> type) {
        return runtime.topic(name, type);
    }

    /**
     * {@return a snapshot of one actor of this system: mailbox depth, messages processed, stopped}
     *
     * @throws IllegalArgumentException if {@code ref} is not an actor of this system
     */
    public ActorStats stats(ActorRef<?> ref) {
        return runtime.stats(ref);
    }

    /**
     * {@return the system's running totals: actors spawned and stopped, messages processed, time
     * spent in turns, restarts} Cheap (a few sums); for monitoring, read as often as scraped.
     */
    public ActorSystemStats stats() {
        return runtime.systemStats();
    }

    /**
     * Gives {@code sampler} the depth of an actor's mailbox (user messages waiting) as its turn
     * starts, for the first turn of each run of turns a thread makes: its first, and the first
     * after each yield (every 256 hand-offs, or an actor that used its throughput), on the actor's
     * thread. It must be quick, thread-safe and must not throw (a throw is logged and the sampler
     * dropped). Replaces the sampler set before; {@code null} stops sampling. An actor blocked in
     * its turn is not sampled: read its depth with {@link #stats(ActorRef)}.
     */
    public void sampleMailboxDepths(IntConsumer sampler) {
        runtime.sampleMailboxDepths(sampler);
    }

    /** {@return the messages that reached no behavior: counts, and subscriptions} */
    public DeadLetters deadLetters() {
        return runtime.deadLetters();
    }

    /**
     * Stops every actor, children before their parents: each runs its {@link Signal.PostStop}, and
     * what is left in its mailbox becomes dead letters. Waits up to
     * {@link ActorSystemConfig#shutdownTimeout()} for that, unless called from an actor (which
     * cannot wait for itself); {@link #whenTerminated()} tells when it is done. Idempotent.
     */
    @Override
    public void close() {
        runtime.close();
    }

    /** {@return completes when every actor has stopped after {@link #close()}} */
    public CompletionStage<Void> whenTerminated() {
        return runtime.whenTerminated();
    }

    @Override
    public String toString() {
        return "ActorSystem[" + name + ']';
    }
}
