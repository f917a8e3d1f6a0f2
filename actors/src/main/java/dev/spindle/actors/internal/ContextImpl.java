package dev.spindle.actors.internal;

import dev.spindle.actors.ActorContext;
import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.Cancellable;
import dev.spindle.actors.EventEmitter;
import dev.spindle.actors.EventKey;
import dev.spindle.actors.SpawnOptions;
import dev.spindle.mailbox.DropReason;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Actor-thread only (asserted). The {@link ActorContext} of one actor; everything it does is
 * bookkeeping in the actor's own cell, or a message to another.
 */
final class ContextImpl<M> implements ActorContext<M> {

    private final ActorCell<M> cell;
    /** The activation running the current turn; set by the cell at the start of each turn. */
    Activation activation;
    private Logger log;
    /** The message being handled, for {@link #stash()}. */
    Object current;

    ContextImpl(ActorCell<M> cell) {
        this.cell = cell;
    }

    private boolean onActorThread() {
        return cell.isCurrentActor();
    }

    @Override
    public ActorRef<M> self() {
        return cell;
    }

    @Override
    public ActorSystem system() {
        return cell.runtime.system;
    }

    @Override
    public Logger log() {
        Logger logger = log;
        if (logger == null) {
            logger = log = ActorLogger.of(cell);
            if (cell.isCurrentActor()) {
                // From now on every turn puts the path in the MDC; this one starts now.
                ActorLogger.enter(cell);
            }
        }
        return logger;
    }

    @Override
    public <C> ActorRef<C> spawn(Behavior<C> behavior, String name) {
        return spawn(behavior, name, SpawnOptions.defaults());
    }

    @Override
    public <C> ActorRef<C> spawnAnonymous(Behavior<C> behavior) {
        assert onActorThread() : "ActorContext used off its actor's thread";
        Objects.requireNonNull(behavior, "behavior");
        Extras<M> extras = cell.extras();
        return cell.runtime.spawnChild(cell, extras, behavior, null, extras.nextAnonymousId(), SpawnOptions.defaults());
    }

    @Override
    public <C> ActorRef<C> spawn(Behavior<C> behavior, String name, SpawnOptions options) {
        assert onActorThread() : "ActorContext used off its actor's thread";
        Objects.requireNonNull(behavior, "behavior");
        Objects.requireNonNull(options, "options");
        Runtime.checkName(name);
        Extras<M> extras = cell.extras();
        if (extras.isNameTaken(name)) {
            throw new IllegalArgumentException("a living child of " + cell.path() + " is already named " + name);
        }
        return cell.runtime.spawnChild(cell, extras, behavior, name, 0, options);
    }

    @Override
    public boolean stop(ActorRef<?> child) {
        assert onActorThread() : "ActorContext used off its actor's thread";
        if (child == cell) {
            cell.beginStop(null);
            return true;
        }
        Extras<M> extras = cell.extrasOrNull();
        if (!(child instanceof ActorCell<?> childCell) || extras == null || !extras.isChild(childCell)) {
            return false;
        }
        childCell.sendSystem(SystemMessage.Stop.INSTANCE);
        return true;
    }

    @Override
    public Collection<ActorRef<?>> children() {
        assert onActorThread() : "ActorContext used off its actor's thread";
        Extras<M> extras = cell.extrasOrNull();
        if (extras == null) {
            return List.of();
        }
        return List.copyOf(extras.children());
    }

    @Override
    public void watch(ActorRef<?> other) {
        assert onActorThread() : "ActorContext used off its actor's thread";
        ActorCell<?> target = cellOf(other);
        if (target != cell && cell.extras().startWatching(target)) {
            target.sendSystem(new SystemMessage.Watch(cell));
        }
    }

    @Override
    public void unwatch(ActorRef<?> other) {
        assert onActorThread() : "ActorContext used off its actor's thread";
        ActorCell<?> target = cellOf(other);
        Extras<M> extras = cell.extrasOrNull();
        if (extras != null && extras.stopWatching(target)) {
            target.sendSystem(new SystemMessage.Unwatch(cell));
        }
    }

    private static ActorCell<?> cellOf(ActorRef<?> ref) {
        if (ref instanceof ActorCell<?> target) {
            return target;
        }
        throw new IllegalArgumentException("not an actor: " + ref);
    }

    @Override
    public Cancellable setTimeout(Duration delay, M message) {
        return timer(delay, message, 0);
    }

    @Override
    public Cancellable setInterval(Duration period, M message) {
        long nanos = period.toNanos();
        if (nanos <= 0) {
            throw new IllegalArgumentException("period must be positive: " + period);
        }
        return timer(period, message, nanos);
    }

    private Cancellable timer(Duration delay, M message, long periodNanos) {
        assert onActorThread() : "ActorContext used off its actor's thread";
        Objects.requireNonNull(message, "message");
        Timer timer = new Timer(cell, message, periodNanos);
        cell.extras().addTimer(timer);
        timer.start(delay.toNanos());
        return timer;
    }

    @Override
    public <T> void pipeToSelf(CompletionStage<T> stage, BiFunction<? super T, Throwable, ? extends M> adapter) {
        Objects.requireNonNull(adapter, "adapter");
        stage.whenComplete((value, failure) -> {
            M message;
            try {
                message = adapter.apply(value, failure);
            } catch (RuntimeException e) {
                cell.runtime.log.error("pipeToSelf adapter of {} threw; nothing sent", cell, e);
                return;
            }
            if (message != null) {
                cell.tell(message);
            }
        });
    }

    @Override
    public void stash() {
        assert onActorThread() : "ActorContext used off its actor's thread";
        Object message = current;
        if (message == null) {
            throw new IllegalStateException("stash() is for the message being handled, and there is none");
        }
        current = null;
        if (!cell.extras().stash(message, cell.runtime.stashCapacity)) {
            cell.onDropped(message, DropReason.OVERFLOW_NEWEST);
            throw new IllegalStateException("the stash of " + cell.path() + " is full ("
                    + cell.runtime.stashCapacity + " messages); the message became a dead letter");
        }
    }

    @Override
    public void unstashAll() {
        assert onActorThread() : "ActorContext used off its actor's thread";
        Extras<M> extras = cell.extrasOrNull();
        if (extras != null) {
            extras.unstashAll();
        }
    }

    @Override
    public EventEmitter events() {
        assert onActorThread() : "ActorContext used off its actor's thread";
        return cell.events();
    }

    @Override
    public <T> Cancellable subscribe(ActorRef<?> emitter, EventKey<T> event, Function<? super T, ? extends M> adapter) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(adapter, "adapter");
        ActorCell<?> owner = cellOf(emitter);
        ActorCell<M> subscriber = cell;
        Subscription<T, M> subscription = new Subscription<>(owner, event, subscriber, adapter);
        owner.enqueue(new ActorTask("subscribe " + subscriber.path() + " to " + event,
                target -> target.events().on(event, subscription)));
        return subscription;
    }

    @Override
    public <T> Cancellable offload(Callable<T> work, Function<? super T, ? extends M> onResult,
                                   Function<Throwable, ? extends M> onFailure) {
        assert onActorThread() : "ActorContext used off its actor's thread";
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(onResult, "onResult");
        Objects.requireNonNull(onFailure, "onFailure");
        Extras<M> extras = cell.extras();
        if (extras.offloads == null) {
            extras.offloads = new Offloads(cell, cell.runtime.maxOffloadsPerActor);
        }
        return extras.offloads.submit(work, onResult, onFailure);
    }

    boolean hasLogger() {
        return log != null;
    }

    @Override
    public int mailboxSize() {
        return cell.mailbox.size();
    }
}
