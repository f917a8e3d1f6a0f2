package dev.spindle.actors.testkit;

import dev.spindle.actors.ActorContext;
import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.Cancellable;
import dev.spindle.actors.EventEmitter;
import dev.spindle.actors.EventKey;
import dev.spindle.actors.Signal;
import dev.spindle.actors.SpawnOptions;
import dev.spindle.actors.internal.Behaviors;
import dev.spindle.actors.internal.EventEmitterImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Test-thread only. Runs a behavior synchronously, without a system or threads: {@link #run}
 * hands it one message on the calling thread and returns when it is handled. What the behavior
 * does to its context is recorded as {@link Effect}s; what it sends to itself, to its children or
 * to inboxes the test made is kept in {@link TestInbox}es. Setup runs in {@link #create}.
 *
 * <pre>{@code
 * BehaviorTestKit<Counter> kit = BehaviorTestKit.create(Counter.create());
 * TestInbox<Integer> replies = new TestInbox<>("replies");
 * kit.run(new Counter.Add(2));
 * kit.run(new Counter.Get(replies));
 * replies.expectMessage(2);
 * }</pre>
 *
 * <p>Differences from a real system: a failure propagates out of {@link #run} to the test
 * (supervision is not applied); timers never fire by themselves (they are effects; feed their
 * message with {@link #run}); offloaded work runs at once and its message waits in the self inbox;
 * {@link ActorContext#system()} is not available.
 *
 * @param <M> the type of messages the behavior accepts
 */
public final class BehaviorTestKit<M> {

    private final TestInbox<M> self;
    private final Context context = new Context();
    private final ArrayDeque<Effect> effects = new ArrayDeque<>();
    private final Map<String, TestInbox<?>> children = new LinkedHashMap<>();
    private final ArrayDeque<M> stash = new ArrayDeque<>();
    private final ArrayDeque<M> unstashed = new ArrayDeque<>();
    private final EventEmitterImpl events;
    private Behavior<M> behavior;
    private boolean alive = true;
    private M current;
    private int anonymous;

    private BehaviorTestKit(String name, Behavior<M> initial) throws Exception {
        self = new TestInbox<>(name);
        events = new EventEmitterImpl(self.path().toString());
        behavior = Behaviors.start(Behaviors.unwrapSupervision(initial), context);
        if (Behaviors.isStopped(behavior)) {
            alive = false;
        }
    }

    /** {@return a kit running {@code behavior}, its setup already run} */
    public static <M> BehaviorTestKit<M> create(Behavior<M> behavior) {
        return create(behavior, "testkit");
    }

    /** {@return a kit running {@code behavior} under {@code name}, its setup already run} */
    public static <M> BehaviorTestKit<M> create(Behavior<M> behavior, String name) {
        try {
            return new BehaviorTestKit<>(name, Objects.requireNonNull(behavior, "behavior"));
        } catch (Exception e) {
            throw new AssertionError("setup threw", e);
        }
    }

    /**
     * Handles one message, then whatever {@code unstashAll} handed back.
     *
     * @throws IllegalStateException if the actor has stopped
     * @throws Exception             whatever the behavior threw
     */
    public void run(M message) throws Exception {
        if (!alive) {
            throw new IllegalStateException("the behavior has stopped");
        }
        handle(message);
        M next;
        while (alive && (next = unstashed.pollFirst()) != null) {
            handle(next);
        }
    }

    private void handle(M message) throws Exception {
        current = message;
        try {
            apply(behavior.receive(context, message));
        } finally {
            current = null;
        }
    }

    /** Delivers a signal (say a {@link Signal.Terminated} of a watched actor). */
    public void signal(Signal signal) throws Exception {
        apply(behavior.receiveSignal(context, signal));
    }

    private void apply(Behavior<M> next) throws Exception {
        if (Behaviors.isSame(next) || Behaviors.isUnhandled(next)) {
            return;
        }
        if (Behaviors.isStopped(next)) {
            alive = false;
            behavior.receiveSignal(context, new Signal.PostStop());
            return;
        }
        behavior = Behaviors.start(Behaviors.unwrapSupervision(next), context);
        if (Behaviors.isStopped(behavior)) {
            alive = false;
        }
    }

    /** {@return whether the behavior has not stopped} */
    public boolean isAlive() {
        return alive;
    }

    /** {@return the actor's own ref: what it sends to itself lands here} */
    public TestInbox<M> selfInbox() {
        return self;
    }

    /** {@return the ref given to the child of that name} @throws AssertionError if there is none */
    @SuppressWarnings("unchecked")
    public <C> TestInbox<C> childInbox(String name) {
        TestInbox<?> inbox = children.get(name);
        if (inbox == null) {
            throw new AssertionError("no child named " + name + "; children: " + children.keySet());
        }
        return (TestInbox<C>) inbox;
    }

    /** {@return the oldest effect not yet retrieved} @throws AssertionError if there is none */
    public Effect retrieveEffect() {
        Effect effect = effects.pollFirst();
        if (effect == null) {
            throw new AssertionError("no effect");
        }
        return effect;
    }

    /** {@return every effect not yet retrieved, oldest first} */
    public List<Effect> retrieveAllEffects() {
        List<Effect> all = new ArrayList<>(effects);
        effects.clear();
        return all;
    }

    /** Retrieves the oldest effect and checks it. @throws AssertionError if it differs */
    public void expectEffect(Effect expected) {
        Effect actual = retrieveEffect();
        if (!actual.equals(expected)) {
            throw new AssertionError("expected effect " + expected + ", got " + actual);
        }
    }

    /** {@return whether no effect is waiting to be retrieved} */
    public boolean hasEffects() {
        return !effects.isEmpty();
    }

    /** The context the behavior sees: records instead of acting. */
    private final class Context implements ActorContext<M> {

        private final Logger log = LoggerFactory.getLogger(BehaviorTestKit.class);

        @Override
        public ActorRef<M> self() {
            return self;
        }

        @Override
        public ActorSystem system() {
            throw new UnsupportedOperationException("the synchronous testkit runs without a system: use ActorTestKit");
        }

        @Override
        public Logger log() {
            return log;
        }

        @Override
        public <C> ActorRef<C> spawn(Behavior<C> child, String name) {
            return spawn(child, name, SpawnOptions.defaults());
        }

        @Override
        public <C> ActorRef<C> spawnAnonymous(Behavior<C> child) {
            return record(child, "$" + Integer.toString(anonymous++, 36));
        }

        @Override
        public <C> ActorRef<C> spawn(Behavior<C> child, String name, SpawnOptions options) {
            Objects.requireNonNull(child, "behavior");
            if (children.containsKey(name)) {
                throw new IllegalArgumentException("a living child is already named " + name);
            }
            return record(child, name);
        }

        private <C> ActorRef<C> record(Behavior<C> child, String name) {
            TestInbox<C> inbox = new TestInbox<>(self.path().child(name));
            children.put(name, inbox);
            effects.add(new Effect.Spawned(name, child, inbox));
            return inbox;
        }

        @Override
        public boolean stop(ActorRef<?> child) {
            if (child == self) {
                alive = false;
                return true;
            }
            String name = child.path().name();
            if (children.get(name) != child) {
                return false;
            }
            children.remove(name);
            effects.add(new Effect.Stopped(name));
            return true;
        }

        @Override
        public Collection<ActorRef<?>> children() {
            return List.copyOf(children.values());
        }

        @Override
        public void watch(ActorRef<?> other) {
            effects.add(new Effect.Watched(other));
        }

        @Override
        public void unwatch(ActorRef<?> other) {
            effects.add(new Effect.Unwatched(other));
        }

        @Override
        public Cancellable setTimeout(Duration delay, M message) {
            return timer(delay, message, false);
        }

        @Override
        public Cancellable setInterval(Duration period, M message) {
            return timer(period, message, true);
        }

        private Cancellable timer(Duration delay, M message, boolean repeating) {
            effects.add(new Effect.TimerScheduled(delay, message, repeating));
            return new Cancellable() {
                private boolean cancelled;

                @Override
                public boolean cancel() {
                    if (cancelled) {
                        return false;
                    }
                    cancelled = true;
                    effects.add(new Effect.TimerCancelled(message));
                    return true;
                }

                @Override
                public boolean isCancelled() {
                    return cancelled;
                }
            };
        }

        @Override
        public <T> void pipeToSelf(CompletionStage<T> stage, BiFunction<? super T, Throwable, ? extends M> adapter) {
            stage.whenComplete((value, failure) -> {
                M message = adapter.apply(value, failure);
                if (message != null) {
                    self.tell(message);
                }
            });
        }

        @Override
        public <T> Cancellable offload(Callable<T> work, Function<? super T, ? extends M> onResult,
                                       Function<Throwable, ? extends M> onFailure) {
            M message;
            try {
                message = onResult.apply(work.call());
            } catch (Exception e) {
                message = onFailure.apply(e);
            }
            effects.add(new Effect.Offloaded(message));
            if (message != null) {
                self.tell(message);
            }
            return new Cancellable() {
                @Override
                public boolean cancel() {
                    return false;
                }

                @Override
                public boolean isCancelled() {
                    return false;
                }
            };
        }

        @Override
        public void stash() {
            if (current == null) {
                throw new IllegalStateException("stash() is for the message being handled, and there is none");
            }
            stash.addLast(current);
            current = null;
        }

        @Override
        public void unstashAll() {
            stash.addAll(unstashed);
            unstashed.clear();
            unstashed.addAll(stash);
            stash.clear();
        }

        @Override
        public EventEmitter events() {
            return events;
        }

        @Override
        public <T> Cancellable subscribe(ActorRef<?> emitter, EventKey<T> event, Function<? super T, ? extends M> adapter) {
            throw new UnsupportedOperationException("subscribing to another actor needs a running system: use ActorTestKit");
        }

        @Override
        public int mailboxSize() {
            return 0;
        }
    }
}
