package dev.spindle.actors.internal;

import dev.spindle.actors.ActorFailedException;
import dev.spindle.actors.ActorPath;
import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorStats;
import dev.spindle.actors.AwaitsAnswer;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.Signal;
import dev.spindle.mailbox.DeadLetterSink;
import dev.spindle.mailbox.DropReason;
import dev.spindle.mailbox.Mailbox;
import dev.spindle.mailbox.MailboxHandler;
import dev.spindle.mailbox.Offer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Thread-safe as an {@link ActorRef}; everything else runs on the actor's own thread, the
 * activation that holds its mailbox. One actor: its mailbox, its current behavior, and its place
 * in the tree.
 *
 * <p>An actor handles one message at a time because only the holder of its mailbox runs it, and
 * the mailbox's handshake gives exactly one party that right at a time; handing the mailbox from
 * one activation to the next makes everything the previous turn wrote visible to the next. So the
 * fields below are plain: only the holder reads or writes them.
 *
 * <p>Kept small, because a million idle actors are a million of these: the rarely used state
 * (children, watchers, timers, supervision, stash) lives in {@link Extras}, made on first use.
 *
 * @param <M> the type of messages the actor accepts
 */
public final class ActorCell<M> implements ActorRef<M>, MailboxHandler<SystemMessage, Object>,
        DeadLetterSink<SystemMessage, Object> {

    static final byte NEW = 0;
    static final byte RUNNING = 1;
    /** Failed and waiting out a restart backoff: user messages are stashed, not handled. */
    static final byte SUSPENDED = 2;
    /** Stopping: waiting for its children to stop; user messages become dead letters. */
    static final byte STOPPING = 3;
    static final byte STOPPED = 4;

    final Runtime runtime;
    /** The parent, or {@code null} for a top-level actor (the runtime is its guardian). */
    final ActorCell<?> parent;
    /** The name among siblings, or {@code null} for an anonymous actor: see {@link #name()}. */
    private final String name;
    private final int anonymousId;
    final Mailbox<SystemMessage, Object> mailbox;

    private Behavior<M> behavior;
    private ContextImpl<M> context;
    /** User messages handed to the behavior; written by the holder, read by monitors (benignly racy: a snapshot). */
    private long processed;
    private Extras<M> extras;
    private byte lifecycle = NEW;

    ActorCell(Runtime runtime, ActorCell<?> parent, String name, int anonymousId, Behavior<M> initial,
              MailboxFactory mailboxes) {
        this.runtime = runtime;
        this.parent = parent;
        this.name = name;
        this.anonymousId = anonymousId;
        this.behavior = initial;
        this.mailbox = mailboxes.create(this);
    }

    // ---- ActorRef: any thread -------------------------------------------------------------------

    @Override
    public void tell(M message) {
        Objects.requireNonNull(message, "message");
        enqueue(message);
    }

    /** Any thread. A user-lane message, or an internal envelope (timer, offload result). */
    void enqueue(Object message) {
        Offer outcome = mailbox.offer(message);
        if (outcome == Offer.SCHEDULE) {
            runtime.dispatcher.schedule(this);
        } else if (outcome == Offer.REJECTED) {
            onDropped(message, DropReason.OVERFLOW_NEWEST);
        }
    }

    /** Any thread. A system message: never dropped while the actor lives. */
    void sendSystem(SystemMessage message) {
        if (mailbox.offerSystem(message) == Offer.SCHEDULE) {
            runtime.dispatcher.schedule(this);
        }
    }

    @Override
    public <R> CompletionStage<R> ask(Function<ActorRef<R>, ? extends M> request, Duration timeout) {
        return Ask.ask(runtime, this, request, timeout);
    }

    @Override
    public ActorPath path() {
        ActorPath parentPath = parent != null ? parent.path() : runtime.userPath;
        return parentPath.child(name());
    }

    /** {@return the name among siblings; an anonymous actor's is made from its id on demand} */
    String name() {
        return name != null ? name : "$" + Integer.toString(anonymousId, 36);
    }

    /** {@return the key of this actor in its parent's children: its name, or itself if anonymous} */
    Object childKey() {
        return name != null ? name : this;
    }

    @Override
    public String toString() {
        return "Actor[" + path() + "]";
    }

    /**
     * {@return whether a host (an io loop) may run this actor's turns on its own thread now} Any
     * thread; benignly racy (one more or one fewer hosted turn). See {@link #strikeHosting}.
     */
    boolean hostableNow() {
        Extras<M> x = extras;
        return x == null || x.hostableNow();
    }

    /**
     * The holder: a hosted turn of this actor blocked or ran long. No host runs it for a second,
     * then two, four, ... (at most about an hour) after each such turn, so an actor that blocks
     * for good costs its loop a few milliseconds a handful of times, while one that blocked once (a
     * class loaded from disk while warming up) is hosted again soon. Kept in the extras: idle
     * actors pay nothing for it. Any thread (the stuck one, after the turn).
     */
    void strikeHosting() {
        // Called after the stuck turn, when the actor may already be running elsewhere: not the
        // holder's extras() (a plain lazy init), but a CAS that loses nothing of the holder's (at
        // worst the holder's own init replaces ours, and this strike is forgotten).
        Extras<M> x = extras;
        if (x == null) {
            Extras<M> fresh = new Extras<>();
            x = EXTRAS.compareAndSet(this, (Extras<M>) null, fresh) ? fresh : extras;
        }
        x.strikeHosting();
    }

    private static final VarHandle EXTRAS;
    static {
        try {
            EXTRAS = MethodHandles.lookup().findVarHandle(ActorCell.class, "extras", Extras.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // ---- the turn: the holder only --------------------------------------------------------------

    /**
     * {@link #runTurn}, with this actor's path in the logging MDC if it has asked for its logger:
     * from the start of the turn if it had before, else from the moment it asks (see
     * {@link ContextImpl#log()}). Actors that never log pay no MDC writes.
     */
    boolean runTurnLogged(Activation activation) {
        boolean logged = hasLogger();
        if (logged) {
            ActorLogger.enter(this);
        }
        try {
            return runTurn(activation);
        } finally {
            if (logged || hasLogger()) {
                ActorLogger.exit();
            }
        }
    }

    private boolean hasLogger() {
        ContextImpl<M> ctx = context;
        return ctx != null && ctx.hasLogger();
    }

    /** {@return whether the calling thread is running this actor's turn} */
    boolean isCurrentActor() {
        Activation activation = Activation.current();
        return activation != null && activation.cell() == this;
    }

    String behaviorClassName() {
        Behavior<M> current = behavior;
        return current != null ? current.getClass().getName() : ActorCell.class.getName();
    }

    /**
     * Runs one turn: system messages, then user messages up to the system's throughput, then lets
     * go of the mailbox, or asks to run again if messages are left (fairness).
     *
     * @return {@code true} if this actor still holds its mailbox and must run again
     */
    boolean runTurn(Activation activation) {
        if (lifecycle == NEW) {
            start();
        }
        context.activation = activation;
        int budget = runtime.throughput;
        int unstashBudget = runtime.unstashThroughput; // unstashed messages: a budget of their own (Runtime)
        int idleSpins = 0;
        for (;;) {
            int taken = 0;
            if (unstashedWaiting()) {
                // Unstashed messages go before anything still in the mailbox.
                taken = runUnstashed(unstashBudget);
                unstashBudget -= taken;
            } else {
                taken = mailbox.drain(this, budget);
                budget -= taken;
            }
            if (lifecycle == STOPPING && (extras == null || !extras.hasChildren())) {
                finishStop();
                return false;
            }
            if (lifecycle == STOPPED) {
                return false;
            }
            boolean unstashedLeft = unstashedWaiting();
            if (activation.handOffPending()) {
                // We scheduled an idle actor: run it next on this thread if we are done, else
                // give it a thread of its own rather than make it wait for our backlog. Never let
                // go of the mailbox while unstashed messages wait: nothing would bring us back.
                if (!unstashedLeft && mailbox.tryIdle()) {
                    return false;
                }
                activation.releaseHandOff();
            }
            if (budget <= 0 || unstashBudget <= 0) {
                return true;
            }
            if (unstashedLeft) {
                continue;
            }
            if (mailbox.tryIdle()) {
                return false;
            }
            if (taken == 0 && ++idleSpins > 64) {
                // A producer claimed a slot and has not written it yet (descheduled, most likely):
                // let other actors run meanwhile.
                return true;
            }
        }
    }

    private void start() {
        lifecycle = RUNNING;
        context = new ContextImpl<>(this);
        startBehavior(adoptSupervision(behavior));
    }

    /** Runs {@code initial}'s setup; if it throws, the actor fails with {@code initial} as its behavior. */
    private void startBehavior(Behavior<M> initial) {
        behavior = initial;
        try {
            behavior = Behaviors.start(initial, context);
            if (Behaviors.isStopped(behavior)) {
                beginStop(null);
            }
        } catch (Throwable failure) {
            onFailure(failure);
        }
    }

    /** A supervised behavior sets this actor's supervision; {@return the behavior inside} */
    private Behavior<M> adoptSupervision(Behavior<M> next) {
        if (next instanceof Behaviors.Supervised<M> supervised) {
            extras().supervision = new Supervision<>(supervised.strategy(), supervised.behavior());
            return supervised.behavior();
        }
        return next;
    }

    /** Whether {@code unstashAll} or a restart handed back messages that must run before the mailbox's. */
    private boolean unstashedWaiting() {
        return lifecycle == RUNNING && extras != null && extras.hasUnstashed();
    }

    @Override
    public boolean onSystemMessage(SystemMessage message) {
        switch (message) {
            case SystemMessage.Start ignored -> {
                // start() ran at the top of the turn.
            }
            case SystemMessage.Stop ignored -> beginStop(null);
            case SystemMessage.Restart(int generation) -> {
                if (lifecycle == SUSPENDED && extras().supervision.isCurrent(generation)) {
                    restart();
                }
            }
            case SystemMessage.Watch(ActorCell<?> watcher) -> {
                if (watcher != this) {
                    extras().addWatcher(watcher);
                }
            }
            case SystemMessage.Unwatch(ActorCell<?> watcher) -> {
                if (extras != null) {
                    extras.removeWatcher(watcher);
                }
            }
            case SystemMessage.Terminated(ActorCell<?> actor, Throwable failure) -> onTerminated(actor, failure);
            case SystemMessage.Escalated(ActorRef<?> child, Throwable failure) ->
                    onFailure(new ActorFailedException(child, failure));
        }
        // Stop draining once stopping: the turn finishes the stop when no child is left. Stop it
        // too after a restart handed back the messages kept during its backoff: they go before
        // anything still in the mailbox.
        return lifecycle < STOPPING && !unstashedWaiting();
    }

    /** Handles one user message (or envelope) in the current lifecycle state; false stops the drain. */
    @Override
    public boolean onMessage(Object message) {
        switch (lifecycle) {
            case RUNNING -> {
                // fall through to the behavior below
            }
            case SUSPENDED -> {
                extras().stashWhileSuspended(message, runtime.stashCapacity, this);
                return true;
            }
            default -> {
                onDropped(message, DropReason.CLOSED);
                return true;
            }
        }
        ContextImpl<M> ctx = context;
        Object payload = message;
        try {
            if (message instanceof Envelope envelope) {
                payload = envelope.open(this);
                if (payload == null) {
                    return lifecycle == RUNNING;
                }
            }
            @SuppressWarnings("unchecked")
            M typed = (M) payload;
            ctx.current = typed;
            processed++;
            Behavior<M> next = behavior.receive(ctx, typed);
            // After unstashAll, the unstashed go before the rest of the mailbox: end this drain.
            return become(next, typed) && !unstashedWaiting();
        } catch (Throwable failure) {
            if (payload instanceof AwaitsAnswer awaited) {
                tellHandlerFailed(awaited, failure);
            }
            onFailure(failure);
            // A restart without backoff unstashes: those go before the rest of the mailbox.
            return lifecycle == RUNNING && !unstashedWaiting();
        } finally {
            ctx.current = null;
        }
    }

    private void tellHandlerFailed(AwaitsAnswer awaited, Throwable failure) {
        try {
            awaited.handlerFailed(failure);
        } catch (RuntimeException e) {
            runtime.log.warn("{} threw when told its handler failed", awaited, e);
        }
    }

    /** Applies what the behavior returned; false stops the drain. */
    private boolean become(Behavior<M> next, Object message) throws Exception {
        if (Behaviors.isSame(next) || next == behavior) {
            // Stop the drain if this message scheduled an idle actor: see runTurn.
            return !context.activation.handOffPending();
        }
        if (Behaviors.isUnhandled(next)) {
            runtime.deadLetters.unhandled(this, message);
            return true;
        }
        if (Behaviors.isStopped(next)) {
            beginStop(null);
            return false;
        }
        behavior = Behaviors.start(adoptSupervision(next), context);
        if (Behaviors.isStopped(behavior)) {
            beginStop(null);
            return false;
        }
        return !context.activation.handOffPending();
    }

    private void signal(Signal signal) {
        try {
            Behavior<M> next = behavior.receiveSignal(context, signal);
            if (signal instanceof Signal.PostStop || signal instanceof Signal.PreRestart) {
                return;
            }
            become(next, signal);
        } catch (Throwable failure) {
            if (signal instanceof Signal.PostStop || signal instanceof Signal.PreRestart) {
                runtime.log.warn("{} threw while handling {}", this, signal, failure);
                return;
            }
            onFailure(failure);
        }
    }

    // ---- failures -------------------------------------------------------------------------------

    private void onFailure(Throwable failure) {
        Supervision<M> supervision = extras != null ? extras.supervision : null;
        Supervision.Decision decision = supervision != null
                ? supervision.decide(failure, runtime)
                : Supervision.Decision.STOP;
        runtime.events.actorFailed(this, failure, decision);
        switch (decision) {
            case RESUME -> logRecoverable("resumes", failure);
            case STOP -> {
                runtime.log.error("{} failed and stops", this, failure);
                beginStop(failure);
            }
            case ESCALATE -> {
                runtime.log.error("{} failed and escalates to its parent", this, failure);
                if (parent != null) {
                    parent.sendSystem(new SystemMessage.Escalated(this, failure));
                }
                beginStop(failure);
            }
            case RESTART -> {
                long backoffNanos = supervision.nextBackoffNanos();
                logRecoverable("restarts in " + backoffNanos / 1_000_000 + " ms", failure);
                prepareRestart(failure);
                if (backoffNanos <= 0) {
                    restart();
                } else {
                    lifecycle = SUSPENDED;
                    extras.restash();
                    int generation = supervision.generation();
                    runtime.scheduler.schedule(backoffNanos,
                            () -> sendSystem(new SystemMessage.Restart(generation)));
                }
            }
        }
    }

    /** A failure its supervision recovers from: one line at WARN, the stack trace at DEBUG. */
    private void logRecoverable(String outcome, Throwable failure) {
        runtime.log.warn("{} failed and {}: {}", this, outcome, failure.toString());
        runtime.log.debug("{} failure", this, failure);
    }

    private void prepareRestart(Throwable failure) {
        signal(new Signal.PreRestart(failure));
        if (extras != null) {
            extras.cancelTimers();
            extras.cancelOffloads();
            extras.stopChildrenForRestart();
        }
    }

    private void restart() {
        lifecycle = RUNNING;
        runtime.counters.restarts.increment();
        runtime.events.actorRestarted(this);
        startBehavior(extras.supervision.initial());
        extras.unstashAll();
    }

    // ---- stopping -------------------------------------------------------------------------------

    /** Starts stopping: children first. The turn finishes when none is left ({@link #finishStop}). */
    void beginStop(Throwable failure) {
        if (lifecycle >= STOPPING) {
            return;
        }
        lifecycle = STOPPING;
        Extras<M> x = extras();
        x.failure = failure;
        x.cancelTimers();
        x.cancelOffloads();
        x.stopChildren();
    }

    /** Outside drain: PostStop, close the mailbox (the rest become dead letters), tell watchers and parent. */
    private void finishStop() {
        if (context != null) {
            signal(new Signal.PostStop());
        }
        lifecycle = STOPPED;
        runtime.counters.stopped.increment();
        Extras<M> x = extras;
        Throwable failure = x != null ? x.failure : null;
        if (x != null) {
            x.dropStash(this);
        }
        mailbox.close();
        behavior = null;
        if (x != null) {
            x.notifyWatchers(this, failure);
        }
        if (parent != null) {
            parent.sendSystem(new SystemMessage.Terminated(this, failure));
        } else {
            runtime.topLevelTerminated(this);
        }
    }

    private void onTerminated(ActorCell<?> actor, Throwable failure) {
        if (extras == null) {
            return;
        }
        if (actor.parent == this) {
            extras.removeChild(actor);
        }
        if (extras.stopWatching(actor) && lifecycle == RUNNING) {
            signal(new Signal.Terminated(actor, failure));
        }
    }

    // ---- dead letters: this cell is its mailbox's sink ------------------------------------------

    @Override
    public void onDropped(Object message, DropReason reason) {
        if (message instanceof Envelope envelope) {
            if (envelope.isCalledOff()) {
                return;
            }
            message = envelope.payload();
        }
        runtime.deadLetters.dropped(this, message, reason);
    }

    @Override
    public void onSystemDropped(SystemMessage message) {
        // Only a stopped actor drops system messages. A watch of a stopped actor is answered at once.
        if (message instanceof SystemMessage.Watch(ActorCell<?> watcher)) {
            watcher.sendSystem(new SystemMessage.Terminated(this, extras != null ? extras.failure : null));
        }
    }

    // ---- used by the context --------------------------------------------------------------------

    Extras<M> extras() {
        Extras<M> x = extras;
        if (x == null) {
            x = extras = new Extras<>();
        }
        return x;
    }

    Extras<M> extrasOrNull() {
        return extras;
    }

    /** Actor-thread only. This actor's emitter, made on first use. */
    EventEmitterImpl events() {
        Extras<M> x = extras();
        if (x.events == null) {
            x.events = new EventEmitterImpl(path().toString());
        }
        return x.events;
    }

    /** Any thread: a snapshot for monitoring. */
    public ActorStats stats() {
        return new ActorStats(path(), mailbox.size(), processed, mailbox.isClosed());
    }

    /** The holder (its activation, around a turn): user messages handed to the behavior so far. */
    long processedByHolder() {
        return processed;
    }

    /** Whether this actor has stopped (its mailbox is closed). Thread-safe. */
    boolean isStopped() {
        return mailbox.isClosed();
    }

    byte lifecycle() {
        return lifecycle;
    }

    private int runUnstashed(int budget) {
        int taken = 0;
        while (taken < budget && lifecycle == RUNNING) {
            Object message = extras.pollUnstashed();
            if (message == null) {
                break;
            }
            taken++;
            if (!onMessage(message)) {
                break;
            }
        }
        return taken;
    }
}
