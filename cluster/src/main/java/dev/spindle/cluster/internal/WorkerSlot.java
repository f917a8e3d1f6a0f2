package dev.spindle.cluster.internal;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.cluster.ClusterEvent;
import dev.spindle.cluster.Worker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread-safe. The primary's handle on one worker slot ({@link Worker}): what callers and the
 * slot's links tell it goes as a message to the slot's actor ({@link SlotActor}), which owns the
 * slot's processes; what it answers ({@link #pid()}, {@link #incarnation()}, and the link
 * {@link #send} writes to) it reads from the {@link Snapshot} that actor published last, through
 * one volatile field, never waiting for the actor.
 */
final class WorkerSlot implements Worker {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerSlot.class);

    /** Immutable. The current process (null when none runs) and how many the slot has started. */
    private record Snapshot(Life current, int incarnations) {
    }

    private final PrimaryImpl primary;
    private final int id;
    private final AtomicLong undelivered = new AtomicLong();
    /** Written by the slot's actor before it tells an event that reveals the change (release/acquire). */
    private volatile Snapshot snapshot = new Snapshot(null, 0);
    private final ActorRef<SlotActor.Msg> actor;

    /** Spawns the slot's actor in {@code host}; it forks nothing before {@link #fork()}. */
    WorkerSlot(PrimaryImpl primary, int id, ActorSystem host) {
        this.primary = primary;
        this.id = id;
        this.actor = host.spawn(SlotActor.create(primary, this), "worker-" + id);
    }

    /** Slot actor only: publishes what the thread-safe methods answer. */
    void publish(Life current, int incarnations) {
        snapshot = new Snapshot(current, incarnations);
    }

    /** Starts the slot's first process. */
    void fork() {
        actor.tell(new SlotActor.Msg.Fork());
    }

    /**
     * A rolling restart's step: starts a new process beside the current one; once the new one
     * listens, it becomes current and the process current then (the old one, or one restarted
     * after the old one crashed meanwhile) is disconnected (it drains and exits). Into an empty
     * place the new process is current at once. One at a time per slot ({@link PrimaryImpl} runs
     * one rolling restart at a time).
     *
     * @return completes when the process it replaced has exited; exceptionally if the new one exited
     *         before it listened
     */
    CompletionStage<Void> replace() {
        CompletableFuture<Void> step = new CompletableFuture<>();
        actor.tell(new SlotActor.Msg.Replace(step));
        return step;
    }

    /**
     * A worker process said hello with the secret: its link is its process's, on the process's
     * rings, once this returns. Waits for the slot's actor (the caller is the link's hello thread,
     * which must know whether to go on reading the socket).
     *
     * @throws IOException if the slot does not wait for such a hello (no such process, a second
     *         hello, a process that has exited), or its actor did not answer within the hello timeout
     */
    void online(Link hello, int number) throws IOException {
        CompletableFuture<Void> verdict = new CompletableFuture<>();
        actor.tell(new SlotActor.Msg.Hello(hello, number, verdict));
        try {
            verdict.get(PrimaryImpl.HELLO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("worker " + id + "'s slot did not answer a hello within " + PrimaryImpl.HELLO_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while worker " + id + "'s slot judged a hello");
        }
    }

    /** A frame from one of the slot's processes, on its link's reader thread. */
    void onFrame(Link from, int kind, DataInputStream body) throws IOException {
        switch (kind) {
            case Link.MESSAGE -> actor.tell(new SlotActor.Msg.Received(from, primary.wire.decode(body)));
            case Link.LISTENING -> {
                String host = body.readUTF();
                int port = body.readInt();
                actor.tell(new SlotActor.Msg.Listening(from, new InetSocketAddress(host, port)));
            }
            case Link.TELL -> {
                int target = body.readInt();
                if (target == Node.PRIMARY) {
                    primary.receiveTell(body.readUTF(), body);
                } else {
                    primary.relay(target, body.readAllBytes());
                }
            }
            default -> throw new IOException("a frame of kind " + kind + " from worker " + id);
        }
    }

    void linkClosed(Link closed, IOException cause) {
        undelivered.addAndGet(closed.undelivered());
        actor.tell(new SlotActor.Msg.LinkClosed(closed, cause == null ? "closed" : "closed: " + cause));
    }

    /** A process of this slot left its ring full for the send timeout: told once per stall. */
    void stalled(Link link) {
        actor.tell(new SlotActor.Msg.Stalled(link));
    }

    /** What {@link #close()} hands back: the processes to wait for, and when the last one's exit was told. */
    record Closing(CompletableFuture<List<Process>> processes, CompletableFuture<Void> gone) {
    }

    /** The cluster closes: every process of the slot is asked to end, and no more start. */
    Closing close() {
        Closing closing = new Closing(new CompletableFuture<>(), new CompletableFuture<>());
        actor.tell(new SlotActor.Msg.Close(closing.processes(), closing.gone()));
        return closing;
    }

    /** Waits until {@code deadline} (System.nanoTime) for {@code processes} to exit; kills those that did not. */
    void awaitExit(List<Process> processes, long deadline) {
        for (Process p : processes) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    LOG.warn("cluster: worker {} (pid {}) did not exit within the shutdown timeout; killing it. A worker "
                            + "drains its connections first: raise ClusterConfig.shutdownTimeout if its answers "
                            + "take longer", id, p.pid());
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public OptionalLong pid() {
        Life current = snapshot.current();
        return current == null ? OptionalLong.empty() : OptionalLong.of(current.process.pid());
    }

    @Override
    public int incarnation() {
        Snapshot s = snapshot;
        return s.current() == null ? s.incarnations() : s.current().number;
    }

    @Override
    public boolean isConnected() {
        Link l = currentLink();
        return l != null && l.isOpen();
    }

    /** {@return the current process's link, or null} Two volatile reads: the hot path of every send. */
    private Link currentLink() {
        Life life = snapshot.current();
        return life == null ? null : life.link;
    }

    /** Sends a frame to the current process; {@return whether it reached its ring} */
    Link.Sent sendFrame(int kind, Link.Body frame) {
        Link l = currentLink();
        return l == null ? Link.Sent.CLOSED : l.send(kind, frame);
    }

    @Override
    public boolean send(Object message) {
        return primary.sendMessage(currentLink(), id, message, undelivered);
    }

    @Override
    public long undelivered() {
        return undelivered.get();
    }

    @Override
    public void disconnect() {
        actor.tell(new SlotActor.Msg.Disconnect());
    }

    @Override
    public void kill(String signal) {
        actor.tell(new SlotActor.Msg.Kill(SlotActor.signalName(signal)));
    }

    @Override
    public String toString() {
        return "Worker[" + id + "]";
    }
}
