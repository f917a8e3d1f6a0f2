package dev.spindle.actors.internal;

import dev.spindle.actors.ActorPath;
import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorStats;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.ActorSystemConfig;
import dev.spindle.actors.ActorSystemStats;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.DeadLetters;
import dev.spindle.actors.SpawnOptions;
import dev.spindle.actors.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Thread-safe. What an {@link ActorSystem} is made of: its dispatcher, scheduler and dead letters,
 * and the guardian of its top-level actors. The public class delegates here so that none of this
 * is API.
 */
public final class Runtime {

    final ActorSystem system;
    final String name;
    final int throughput;
    final int stashCapacity;
    /**
     * Unstashed messages one turn may handle. They were received before: like Pekko's unstashAll,
     * a turn hands them all back rather than yield every {@link #throughput} of them (a yield costs
     * a virtual thread's unmount and mount; Savina's banking re-stashes ~100 per transfer). Bounded
     * all the same (16 turns' worth, or the stash's capacity), so that a behavior that unstashes
     * forever still yields.
     */
    final int unstashThroughput;
    final Logger log = LoggerFactory.getLogger(ActorSystem.class);
    final Dispatcher dispatcher;
    final Scheduler scheduler;
    final DeadLettersImpl deadLetters = new DeadLettersImpl();
    final ActorEvents events = new ActorEvents();
    final SystemCounters counters = new SystemCounters();
    final ActorPath userPath = ActorPath.root().child("user");
    final ActorPath tempPath = ActorPath.root().child("temp");
    final int maxOffloadsPerActor;
    final ThreadFactory workerThreads;

    private final ActorSystemConfig config;
    private final MailboxFactory defaultMailbox;
    /** Living top-level actors by name; an anonymous one is its own key. */
    private final ConcurrentHashMap<Object, ActorCell<?>> topLevel = new ConcurrentHashMap<>();
    private final AtomicInteger anonymousIds = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    public Runtime(ActorSystem system, String name, ActorSystemConfig config) {
        this(system, name, config, null);
    }

    /** @param scheduler the timers' scheduler, or {@code null} for the real clock (a testkit passes manual time) */
    public Runtime(ActorSystem system, String name, ActorSystemConfig config, Scheduler scheduler) {
        this.system = system;
        this.name = name;
        this.config = config;
        this.throughput = config.throughput();
        this.stashCapacity = config.stashCapacity();
        this.unstashThroughput = Math.max(throughput, Math.min(stashCapacity, 16 * throughput));
        this.maxOffloadsPerActor = config.maxOffloadsPerActor();
        this.workerThreads = Thread.ofVirtual().name("spindle-" + name + "-worker").factory();
        this.defaultMailbox = MailboxFactory.of(config.mailbox());
        this.dispatcher = dispatcher(name);
        this.scheduler = scheduler != null ? scheduler : new ClockScheduler(name);
    }

    /**
     * The runtime's dispatcher, unless the system property {@value #DISPATCHER_PROPERTY} names a
     * class implementing {@link Dispatcher} with a public constructor taking the system's name.
     * That property exists so that {@code perf} can measure the rejected execution models on the
     * same runtime; it is not an API.
     */
    private static Dispatcher dispatcher(String systemName) {
        String className = System.getProperty(DISPATCHER_PROPERTY);
        if (className == null) {
            return new VirtualThreadDispatcher(systemName);
        }
        try {
            return (Dispatcher) Class.forName(className).getConstructor(String.class).newInstance(systemName);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException(DISPATCHER_PROPERTY + "=" + className + ": not a Dispatcher", e);
        }
    }

    /** See {@link #dispatcher(String)}. */
    public static final String DISPATCHER_PROPERTY = "spindle.dispatcher";

    /** Names are path segments: not empty, no {@code /}, and {@code $} is for generated names. */
    static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.indexOf('/') >= 0 || name.startsWith("$")) {
            throw new IllegalArgumentException("an actor name must be non-empty, without '/', and not start with '$': \""
                    + name + '"');
        }
    }

    public ActorStats stats(ActorRef<?> ref) {
        if (ref instanceof ActorCell<?> cell && cell.runtime == this) {
            return cell.stats();
        }
        throw new IllegalArgumentException("not an actor of system " + name + ": " + ref);
    }

    public DeadLetters deadLetters() {
        return deadLetters;
    }

    public ActorSystemStats systemStats() {
        return counters.snapshot();
    }

    public void sampleMailboxDepths(IntConsumer sampler) {
        counters.depthSampler = sampler;
    }

    private final ConcurrentHashMap<String, TopicImpl<?>> topics = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    public <T> Topic<T> topic(String topicName, Class<T> type) {
        checkName(topicName);
        Objects.requireNonNull(type, "type");
        TopicImpl<?> topic = topics.computeIfAbsent(topicName, n -> new TopicImpl<>(this, n, type));
        if (topic.type != type) {
            throw new IllegalArgumentException("topic " + topicName + " carries " + topic.type.getName() + ", not " + type.getName());
        }
        return (Topic<T>) topic;
    }

    public <M> ActorRef<M> spawnTopLevel(Behavior<M> behavior, String name, SpawnOptions options) {
        Objects.requireNonNull(behavior, "behavior");
        Objects.requireNonNull(options, "options");
        if (name != null) {
            checkName(name);
        }
        return spawnUnchecked(behavior, name, options);
    }

    /** A top-level actor of the runtime's own (a topic's router), under a {@code $} name users cannot take. */
    <M> ActorRef<M> spawnInternal(Behavior<M> behavior, String name) {
        return spawnUnchecked(behavior, name, SpawnOptions.defaults());
    }

    private <M> ActorRef<M> spawnUnchecked(Behavior<M> behavior, String name, SpawnOptions options) {
        if (closing.get()) {
            throw new IllegalStateException("actor system " + this.name + " is closing");
        }
        ActorCell<M> cell = new ActorCell<>(this, null, name, name == null ? anonymousIds.getAndIncrement() : 0,
                behavior, mailboxes(options));
        if (topLevel.putIfAbsent(cell.childKey(), cell) != null) {
            throw new IllegalArgumentException("a living top-level actor is already named " + name);
        }
        counters.spawned.increment();
        if (closing.get()) {
            // close() may have listed the top-level actors before this one was added.
            cell.sendSystem(SystemMessage.Stop.INSTANCE);
        } else if (Behaviors.needsStart(behavior)) {
            cell.sendSystem(SystemMessage.Start.INSTANCE);
        }
        return cell;
    }

    <C> ActorRef<C> spawnChild(ActorCell<?> parent, Extras<?> parentExtras, Behavior<C> behavior, String name,
                               int anonymousId, SpawnOptions options) {
        if (parent.lifecycle() >= ActorCell.STOPPING) {
            throw new IllegalStateException(parent.path() + " is stopping and cannot spawn children");
        }
        ActorCell<C> child = new ActorCell<>(this, parent, name, anonymousId, behavior, mailboxes(options));
        parentExtras.addChild(child);
        counters.spawned.increment();
        if (Behaviors.needsStart(behavior)) {
            child.sendSystem(SystemMessage.Start.INSTANCE);
        }
        return child;
    }

    private MailboxFactory mailboxes(SpawnOptions options) {
        return options.mailbox() == null ? defaultMailbox : MailboxFactory.of(options.mailbox());
    }

    void topLevelTerminated(ActorCell<?> cell) {
        topLevel.remove(cell.childKey(), cell);
        if (closing.get() && topLevel.isEmpty()) {
            terminate();
        }
    }

    /** Stops every top-level actor (each stops its children first) and, off actor threads, waits. */
    public void close() {
        if (closing.compareAndSet(false, true)) {
            log.debug("actor system {} closing: stopping {} top-level actors", name, topLevel.size());
            for (ActorCell<?> cell : topLevel.values()) {
                cell.sendSystem(SystemMessage.Stop.INSTANCE);
            }
            if (topLevel.isEmpty()) {
                terminate();
            }
        }
        if (Activation.current() != null) {
            // An actor closing its own system cannot wait for itself to stop.
            return;
        }
        try {
            terminated.get(config.shutdownTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            log.warn("actor system {}: {} top-level actors still running after {}; shutting down anyway. An actor "
                    + "whose handler blocks does not see its stop: make it interruptible or bounded, or raise "
                    + "ActorSystemConfig.shutdownTimeout", name, topLevel.size(), config.shutdownTimeout());
            terminate();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("termination failed", e.getCause());
        }
    }

    private void terminate() {
        if (!terminated.isDone()) {
            scheduler.close();
            dispatcher.close();
            terminated.complete(null);
        }
    }

    public CompletionStage<Void> whenTerminated() {
        return terminated.copy();
    }
}
