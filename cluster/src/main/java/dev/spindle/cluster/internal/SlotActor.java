package dev.spindle.cluster.internal;

import dev.spindle.actors.ActorContext;
import dev.spindle.actors.Backoff;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.Cancellable;
import dev.spindle.actors.SupervisorStrategy;
import dev.spindle.cluster.ClusterConfig;
import dev.spindle.cluster.ClusterEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Actor-thread only. The supervisor of one worker slot: every process it starts, restarts after a
 * crash (paced by the config's {@link Backoff}), gives up on, replaces in a rolling restart or
 * stops, and every {@link ClusterEvent} of the slot, told from here so that one process's events
 * are in order. Its state is its behavior, a closure over one {@link Phase}:
 *
 * <pre>
 *   Vacant ──Fork──► Starting(life) ──Hello──► Online(life)
 *                        │ crash                   │ crash
 *                        ▼                         ▼
 *                  BackingOff(timer) ◄─────────────┘ ──RestartDue──► Starting
 *                        │ one crash more than the Backoff allows
 *                        ▼
 *                  GivenUp(retry) ──RetryDue──► Starting
 *   Starting, Online ──exit asked for (disconnect, kill)──► Vacant
 *   any ──Close──► Closed (no more forks; the last exits still told)
 * </pre>
 *
 * A rolling restart's {@link Replacement} is held beside the phase. The lives (processes not yet
 * exited) and the failures are the actor's alone; {@link WorkerSlot} sees what it publishes.
 */
final class SlotActor {

    private static final Logger LOG = LoggerFactory.getLogger(SlotActor.class);

    /** What the slot is told; from any thread. */
    sealed interface Msg {
        /** The cluster starts: fork the first process. */
        record Fork() implements Msg { }

        /** The backoff after a crash is over. */
        record RestartDue() implements Msg { }

        /** The cool-down after giving up is over. */
        record RetryDue() implements Msg { }

        /** Process {@code number} said hello on {@code link}: {@code verdict} completes once its rings are attached, or fails. */
        record Hello(Link link, int number, CompletableFuture<Void> verdict) implements Msg { }

        /** A MESSAGE frame from {@code link}, decoded. */
        record Received(Link link, Object message) implements Msg { }

        /** A LISTENING frame from {@code link}. */
        record Listening(Link link, InetSocketAddress address) implements Msg { }

        /** {@code link} closed; {@code why} for a process that ends before it listens. */
        record LinkClosed(Link link, String why) implements Msg { }

        /** A send found {@code link}'s ring full for the send timeout. */
        record Stalled(Link link) implements Msg { }

        /** The process of {@code life} ended. */
        record ProcessExited(Life life) implements Msg { }

        /** The heartbeat: ping what is online, judge its silence. */
        record Tick() implements Msg { }

        /** A rolling restart's step: {@code step} completes when the process it replaced has exited. */
        record Replace(CompletableFuture<Void> step) implements Msg { }

        /** {@link dev.spindle.cluster.Worker#disconnect()}. */
        record Disconnect() implements Msg { }

        /** {@link dev.spindle.cluster.Worker#kill(String)}, the signal's name as {@code SIGXXX}. */
        record Kill(String signal) implements Msg { }

        /** The cluster closes: every process is asked to end; {@code processes} gets them, {@code gone} completes when all exited. */
        record Close(CompletableFuture<List<Process>> processes, CompletableFuture<Void> gone) implements Msg { }
    }

    /** Where the slot's place stands. */
    sealed interface Phase {
        /** No process and none to come by itself: before the start, or after an exit asked for. */
        record Vacant() implements Phase { }

        /** {@code life} is current and has not said hello yet. */
        record Starting(Life life) implements Phase { }

        /** {@code life} is current and connected. */
        record Online(Life life) implements Phase { }

        /** The current process crashed; {@code timer} brings {@link Msg.RestartDue}. */
        record BackingOff(Cancellable timer) implements Phase { }

        /** Crashed too often; {@code retry} brings {@link Msg.RetryDue}, or null: never. */
        record GivenUp(Cancellable retry) implements Phase { }

        /**
         * The cluster closes: {@code life} (null once it exited) is still current, so sends reach it
         * until it has gone; {@code gone} completes when the last process has exited.
         */
        record Closed(Life life, CompletableFuture<Void> gone) implements Phase { }
    }

    /** A rolling restart's new process, and (once it listens) the one it took the place of. */
    private record Replacement(Life next, Life previous, CompletableFuture<Void> step) { }

    private final PrimaryImpl primary;
    private final WorkerSlot slot;
    private final int id;
    private final Forker forker;
    private final Backoff backoff;
    private final List<Life> lives = new ArrayList<>();
    private final Backoff.Failures failures = new Backoff.Failures();
    private int incarnations;
    private Replacement replacement;
    private ActorContext<Msg> ctx;

    private SlotActor(PrimaryImpl primary, WorkerSlot slot) {
        this.primary = primary;
        this.slot = slot;
        this.id = slot.id();
        this.forker = new Forker(primary, id);
        this.backoff = primary.config.restartBackoffPolicy();
    }

    /** {@return the behavior of {@code slot}'s actor: vacant until {@link Msg.Fork}, a heartbeat every liveness interval} */
    static Behavior<Msg> create(PrimaryImpl primary, WorkerSlot slot) {
        // Resume: a bug in one handler must not leave the slot without a supervisor (it is logged).
        return Behavior.supervise(Behavior.setup(ctx -> {
            SlotActor actor = new SlotActor(primary, slot);
            actor.ctx = ctx;
            ctx.setInterval(primary.config.liveness().interval(), new Msg.Tick());
            return actor.in(new Phase.Vacant());
        }), SupervisorStrategy.resume());
    }

    private Behavior<Msg> in(Phase phase) {
        return (context, msg) -> {
            Phase next = on(phase, msg);
            return next == phase ? Behavior.same() : in(next);
        };
    }

    private Phase on(Phase phase, Msg msg) {
        return switch (msg) {
            case Msg.Fork() -> phase instanceof Phase.Vacant ? fork(phase) : phase;
            case Msg.RestartDue() -> phase instanceof Phase.BackingOff ? fork(phase) : phase;
            case Msg.RetryDue() -> retry(phase);
            case Msg.Hello(Link link, int number, CompletableFuture<Void> verdict) -> hello(phase, link, number, verdict);
            case Msg.Received(Link link, Object message) -> {
                Life life = lifeOf(link);
                if (life != null && !life.disconnectedTold) {
                    tell(new ClusterEvent.Message(slot, message));
                }
                yield phase;
            }
            case Msg.Listening(Link link, InetSocketAddress address) -> listening(phase, link, address);
            case Msg.LinkClosed(Link link, String why) -> {
                Life life = lifeOf(link);
                if (life != null) {
                    life.linkEnd = why;
                    life.link = null;
                    tellDisconnected(life);
                }
                yield phase;
            }
            case Msg.Stalled(Link link) -> {
                Life life = lifeOf(link);
                if (life != null && !life.disconnectedTold) {
                    tell(new ClusterEvent.Overflow(slot));
                }
                yield phase;
            }
            case Msg.ProcessExited(Life life) -> exited(phase, life);
            case Msg.Tick() -> {
                heartbeat();
                yield phase;
            }
            case Msg.Replace(CompletableFuture<Void> step) -> replace(phase, step);
            case Msg.Disconnect() -> {
                Life current = current(phase);
                if (current != null) {
                    stop(current);
                }
                yield phase;
            }
            case Msg.Kill(String signal) -> {
                kill(current(phase), signal);
                yield phase;
            }
            case Msg.Close(CompletableFuture<List<Process>> processes, CompletableFuture<Void> gone) -> close(phase, processes, gone);
        };
    }

    private static Life current(Phase phase) {
        return switch (phase) {
            case Phase.Starting(Life life) -> life;
            case Phase.Online(Life life) -> life;
            case Phase.Closed(Life life, var _) -> life;
            case Phase.Vacant _, Phase.BackingOff _, Phase.GivenUp _ -> null;
        };
    }

    /** Enters {@code next}: published to the handle before any event that reveals it is told. */
    private Phase become(Phase next) {
        slot.publish(current(next), incarnations);
        return next;
    }

    private void tell(ClusterEvent event) {
        primary.events.tell(event);
    }

    // ---- starting processes --------------------------------------------------------------------

    /** Forks into the empty place: Starting, or GivenUp if the process cannot be started. */
    private Phase fork(Phase phase) {
        Life life = start();
        if (life == null) {
            leave(phase);
            if (phase instanceof Phase.GivenUp) {
                primary.retrying(); // given up again below, counted once
            }
            return giveUp();
        }
        return fill(phase, life);
    }

    /**
     * {@return the phase in which {@code life} is current, coming from an empty place} Cancels what
     * the empty place waited for, and a slot given up on is tried again.
     */
    private Phase fill(Phase phase, Life life) {
        leave(phase);
        if (phase instanceof Phase.GivenUp) { // a rolling restart's new code may be what the crashing worker needed
            failures.clear();
            primary.retrying();
        }
        Phase next = become(life.link != null ? new Phase.Online(life) : new Phase.Starting(life));
        tell(new ClusterEvent.Forked(slot, life.process.pid()));
        return next;
    }

    /**
     * {@return a new process, recorded; null (logged) if it could not start} The caller makes it
     * current or not, publishes, and tells Forked.
     */
    private Life start() {
        int number = ++incarnations;
        Life life;
        try {
            life = forker.fork(number);
        } catch (IOException e) {
            LOG.error("cluster: {}", e.getMessage(), e.getCause());
            return null;
        }
        lives.add(life);
        life.process.onExit().thenAccept(p -> ctx.self().tell(new Msg.ProcessExited(life)));
        return life;
    }

    /** Cancels what the phase being left had pending. */
    private static void leave(Phase phase) {
        switch (phase) {
            case Phase.BackingOff(Cancellable timer) -> timer.cancel();
            case Phase.GivenUp(Cancellable retry) when retry != null -> retry.cancel();
            case Phase.GivenUp _ -> { }
            case Phase.Vacant _, Phase.Starting _, Phase.Online _, Phase.Closed _ -> { }
        }
    }

    private Phase retry(Phase phase) {
        if (!(phase instanceof Phase.GivenUp)) {
            return phase;
        }
        LOG.warn("cluster: trying worker {} again after a cool-down of {} ms", id, primary.config.retryGivenUpAfter().toMillis());
        return fork(phase);
    }

    private Phase hello(Phase phase, Link link, int number, CompletableFuture<Void> verdict) {
        Life life = null;
        for (Life l : lives) {
            if (l.number == number) {
                life = l;
            }
        }
        if (life == null || life.link != null || !life.process.isAlive()) {
            IOException refused = new IOException("a hello for worker " + id + " process " + number
                    + " that is not waiting for one (" + (life == null ? "no such process"
                    : life.link != null ? "a second hello" : "its process exited") + ")");
            if (life != null) {
                life.linkEnd = "hello refused: " + refused.getMessage();
            }
            verdict.completeExceptionally(refused);
            return phase;
        }
        life.attach(link);
        tell(new ClusterEvent.Online(slot));
        verdict.complete(null);
        return phase instanceof Phase.Starting(Life starting) && starting == life ? become(new Phase.Online(life)) : phase;
    }

    private Phase listening(Phase phase, Link link, InetSocketAddress address) {
        Life life = lifeOf(link);
        if (life == null) {
            return phase;
        }
        tell(new ClusterEvent.Listening(slot, address));
        Replacement r = replacement;
        if (r == null || r.next() != life || r.previous() != null) {
            return phase;
        }
        // The new process takes the place of whatever is current now: the old one, or one restarted after it crashed.
        Life previous = current(phase);
        if (phase instanceof Phase.Closed) {
            return phase; // it was asked to end with the others
        }
        Phase next = previous == life ? phase : become(new Phase.Online(life));
        if (previous == null) {
            leave(phase);
            if (phase instanceof Phase.GivenUp) {
                failures.clear();
                primary.retrying();
            }
        }
        if (previous == null || previous == life) {
            replacement = null;
            r.step().complete(null);
        } else {
            replacement = new Replacement(life, previous, r.step());
            stop(previous);
        }
        return next;
    }

    /** A rolling restart's step: a new process beside the current one, or into the empty place. */
    private Phase replace(Phase phase, CompletableFuture<Void> step) {
        if (phase instanceof Phase.Closed) {
            step.completeExceptionally(new IOException("the cluster is closing"));
            return phase;
        }
        if (replacement != null) {
            step.completeExceptionally(new IllegalStateException("worker " + id + " is being replaced already"));
            return phase;
        }
        Life life = start();
        if (life == null) {
            become(phase); // its incarnation count moved
            step.completeExceptionally(new IOException("cannot start a new process for worker " + id));
            return phase;
        }
        replacement = new Replacement(life, null, step);
        if (current(phase) == null) {
            return fill(phase, life); // into the empty place: current at once
        }
        become(phase);
        tell(new ClusterEvent.Forked(slot, life.process.pid()));
        return phase;
    }

    // ---- exits ---------------------------------------------------------------------------------

    private Phase exited(Phase phase, Life life) {
        ExitStatus status = ExitStatus.of(life.process.exitValue());
        Link gone = life.link;
        life.link = null;
        if (gone != null) {
            gone.close(); // its LinkClosed finds no life with that link: no event from there
        }
        life.removeRings();
        tellDisconnected(life);
        lives.remove(life);
        boolean wasCurrent = current(phase) == life;
        boolean crashed = wasCurrent && !life.stopRequested && !(phase instanceof Phase.Closed);
        long wait = crashed ? failures.next(backoff, System.nanoTime()) : Backoff.GIVE_UP;
        boolean restarting = crashed && wait != Backoff.GIVE_UP;
        Phase next = phase;
        if (wasCurrent) {
            next = become(phase instanceof Phase.Closed(var _, CompletableFuture<Void> all) ? new Phase.Closed(null, all)
                    : restarting ? new Phase.BackingOff(ctx.setTimeout(Duration.ofNanos(wait), new Msg.RestartDue()))
                    : new Phase.Vacant());
        }
        tell(new ClusterEvent.Exited(slot, life.process.pid(), status.code(), status.signal(), restarting));
        if (crashed && !restarting) {
            LOG.error("cluster: worker {} crashed {} times within {}; not restarting it (its own output, above, says "
                    + "why). A rolling restart (a fix deployed) tries it again; ClusterConfig.retryGivenUpAfter "
                    + "retries it after a cool-down", id, failures.count(), primary.config.crashWindow());
            next = giveUp();
        }
        settleReplacement(life, status);
        if (restarting) {
            primary.crashRestarts.increment();
            LOG.warn("cluster: worker {} exited ({}); restarting it in {} ms (its own output, above, says why)", id, status,
                    Duration.ofNanos(wait).toMillis());
        }
        if (next instanceof Phase.Closed(var _, CompletableFuture<Void> all) && lives.isEmpty()) {
            all.complete(null);
        }
        return next;
    }

    /** Tells GaveUp, and the primary, which tells AllGaveUp when it was the last; schedules the retry if configured. */
    private Phase giveUp() {
        tell(new ClusterEvent.GaveUp(slot, failures.count()));
        primary.gaveUp();
        Duration coolDown = primary.config.retryGivenUpAfter();
        return become(new Phase.GivenUp(coolDown == null ? null : ctx.setTimeout(coolDown, new Msg.RetryDue())));
    }

    /** A rolling restart's step ends with the exit of the process replaced, or fails with its new one's. */
    private void settleReplacement(Life life, ExitStatus status) {
        Replacement r = replacement;
        if (r == null) {
            return;
        }
        if (r.previous() == life) {
            replacement = null;
            r.step().complete(null);
        } else if (r.next() == life) {
            replacement = null;
            r.step().completeExceptionally(new IOException("the new process of worker " + id + " (pid "
                    + life.process.pid() + ") exited (" + status + ") before it listened; its link: "
                    + (life.linkEnd != null ? life.linkEnd : "never admitted")));
        }
    }

    private void tellDisconnected(Life life) {
        if (!life.disconnectedTold) {
            life.disconnectedTold = true;
            tell(new ClusterEvent.Disconnected(slot));
        }
    }

    // ---- asking processes to end ---------------------------------------------------------------

    /** Asks {@code life} to end: DISCONNECT (waits at most the send timeout), or SIGTERM before it said hello. */
    private static void stop(Life life) {
        life.stopRequested = true;
        Link l = life.link;
        if (l == null || l.send(Link.DISCONNECT, out -> { }) != Link.Sent.SENT) {
            life.process.destroy(); // a process too far behind to read it (stopped, say) is ended at the deadline
        }
    }

    private void kill(Life current, String name) {
        if (current == null) {
            return;
        }
        current.stopRequested = true;
        Process p = current.process;
        switch (name) {
            case "SIGKILL" -> p.destroyForcibly();
            case "SIGTERM" -> p.destroy();
            default -> {
                try {
                    new ProcessBuilder(List.of("kill", "-s", name.substring(3), Long.toString(p.pid()))).inheritIO().start();
                } catch (IOException e) {
                    LOG.error("cluster: cannot send {} to worker {} (pid {})", name, id, p.pid(), e);
                }
            }
        }
    }

    /** {@return {@code signal} as {@code SIGXXX}} For the caller's thread: the actor gets it checked. */
    static String signalName(String signal) {
        String name = signal.toUpperCase(Locale.ROOT);
        return name.startsWith("SIG") ? name : "SIG" + name;
    }

    private Phase close(Phase phase, CompletableFuture<List<Process>> processes, CompletableFuture<Void> gone) {
        if (phase instanceof Phase.Closed(var _, CompletableFuture<Void> closing)) { // a second close
            processes.complete(lives.stream().map(l -> l.process).toList());
            closing.thenRun(() -> gone.complete(null));
            return phase;
        }
        leave(phase);
        List<Process> all = new ArrayList<>();
        for (Life life : List.copyOf(lives)) {
            stop(life);
            all.add(life.process);
        }
        processes.complete(all);
        if (lives.isEmpty()) {
            gone.complete(null);
        }
        return phase instanceof Phase.Closed ? phase : become(new Phase.Closed(current(phase), gone));
    }

    // ---- liveness ------------------------------------------------------------------------------

    /**
     * Pings every process of the slot that is online, and tells {@link ClusterEvent.Unresponsive}
     * about one silent for the liveness timeout (killing it if the policy says so; its exit is then
     * a crash, restarted as any other).
     */
    private void heartbeat() {
        ClusterConfig.Liveness liveness = primary.config.liveness();
        long now = System.nanoTime();
        for (Life life : List.copyOf(lives)) {
            Link l = life.link;
            if (l == null) {
                continue;
            }
            l.trySend(Link.PING, out -> { });
            long silent = l.silentNanos(now);
            if (silent < liveness.timeout().toNanos()) {
                life.silenceTold = false;
                continue;
            }
            if (life.silenceTold || life.disconnectedTold) {
                continue;
            }
            life.silenceTold = true;
            boolean kill = liveness.onUnresponsive() == ClusterConfig.OnUnresponsive.RESTART;
            Duration silence = Duration.ofNanos(silent);
            LOG.error("cluster: worker {} (pid {}) has written nothing for {} ms, not even an answer to a ping{}. "
                    + "Stopped, hung or thrashing; if its pauses are expected (long GCs), raise ClusterConfig.liveness's "
                    + "timeout; to see where it hangs, use OnUnresponsive.REPORT and take a thread dump (jcmd {} "
                    + "Thread.print)", id, life.process.pid(), silence.toMillis(),
                    kill ? "; killing it (SIGKILL), it is restarted" : "", life.process.pid());
            primary.unresponsive.increment();
            tell(new ClusterEvent.Unresponsive(slot, life.process.pid(), silence, kill));
            if (kill) {
                life.process.destroyForcibly(); // SIGKILL: a stopped process ends too
            }
        }
    }

    private Life lifeOf(Link link) {
        for (Life life : lives) {
            if (life.link == link) {
                return life;
            }
        }
        return null;
    }
}
