package dev.spindle.actors;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Actor-thread only, unless a method says otherwise: what an actor can do besides handling its
 * message. A context belongs to one actor and is handed to its behavior; keep it out of other
 * threads (futures' callbacks, offloaded work), which must talk to the actor through
 * {@link #self()}, {@link #pipeToSelf} or {@link #offload}.
 *
 * @param <M> the type of messages the actor accepts
 */
public interface ActorContext<M> {

    /** {@return this actor's own ref} Thread-safe. */
    ActorRef<M> self();

    /** {@return the system this actor belongs to} Thread-safe. */
    ActorSystem system();

    /** {@return this actor's logger: SLF4J, with the actor's path in the MDC under {@code actor}} */
    Logger log();

    /**
     * Spawns a child actor. Its setup runs on its own thread; this call does not wait for it.
     *
     * @param name unique among this actor's living children
     * @throws IllegalArgumentException if a living child already has the name, or the name is
     *     empty or contains {@code /} or starts with {@code $}
     */
    <C> ActorRef<C> spawn(Behavior<C> behavior, String name);

    /** Spawns a child actor under a generated name, starting with {@code $}. */
    <C> ActorRef<C> spawnAnonymous(Behavior<C> behavior);

    /** Spawns a child actor with options: its mailbox, say. */
    <C> ActorRef<C> spawn(Behavior<C> behavior, String name, SpawnOptions options);

    /**
     * Stops a child, asynchronously: it stops its own children first, runs its {@link Signal.PostStop},
     * and what is left in its mailbox becomes dead letters.
     *
     * @return {@code false} if {@code child} is not a living child of this actor
     */
    boolean stop(ActorRef<?> child);

    /** {@return the living children} */
    Collection<ActorRef<?>> children();

    /**
     * Watches another actor: when it stops, this actor gets one {@link Signal.Terminated} for it
     * (at once if it has already stopped). Watching twice is watching once.
     */
    void watch(ActorRef<?> other);

    /** Stops watching: no {@link Signal.Terminated} for {@code other} arrives after this call. */
    void unwatch(ActorRef<?> other);

    /**
     * Sends {@code message} to this actor once, after {@code delay} (Node's {@code setTimeout}).
     * The timer is cancelled when the actor stops or restarts.
     */
    Cancellable setTimeout(Duration delay, M message);

    /**
     * Sends {@code message} to this actor every {@code period}, the first time after one period
     * (Node's {@code setInterval}). Cancelled when the actor stops or restarts.
     */
    Cancellable setInterval(Duration period, M message);

    /**
     * When {@code stage} completes, sends this actor the message {@code adapter} makes of its
     * result or failure ({@code adapter} runs on whatever thread completes the stage).
     */
    <T> void pipeToSelf(CompletionStage<T> stage, BiFunction<? super T, Throwable, ? extends M> adapter);

    /**
     * Runs {@code work} on a virtual-thread worker, off this actor, and sends its result back as the
     * message {@code onResult} makes of it, or its exception as the message {@code onFailure} makes
     * (Node's worker threads, without the serialization). Both functions run on this actor's
     * thread, when the result arrives. At most {@link ActorSystemConfig#maxOffloadsPerActor()} run
     * at once per actor; more wait their turn, in order. When the actor stops or restarts, its
     * offloaded work is interrupted and its results are dropped.
     *
     * @return a handle that cancels (interrupts) the work; a cancelled work sends nothing
     */
    <T> Cancellable offload(Callable<T> work, Function<? super T, ? extends M> onResult,
                            Function<Throwable, ? extends M> onFailure);

    /**
     * Stashes the current message to be handled again later, after {@link #unstashAll()}: for an
     * actor that must wait for something (a connection, a reply) before it can serve requests.
     *
     * @throws IllegalStateException if the stash holds {@link ActorSystemConfig#stashCapacity()}
     *     messages already; the message then becomes a dead letter
     */
    void stash();

    /** Hands every stashed message back, oldest first, before any message not yet handled. */
    void unstashAll();

    /** {@return this actor's event emitter: Node's EventEmitter, run on this actor's thread} */
    EventEmitter events();

    /**
     * Thread-safe. Subscribes this actor to another actor's event: each value it emits arrives here
     * as the message {@code adapter} makes of it ({@code adapter} runs on the emitter's thread). The
     * subscription ends when cancelled or when this actor stops; one to a stopped actor becomes a
     * dead letter.
     */
    <T> Cancellable subscribe(ActorRef<?> emitter, EventKey<T> event, Function<? super T, ? extends M> adapter);

    /** {@return how many user messages wait in this actor's mailbox} Thread-safe; a snapshot. */
    int mailboxSize();
}
