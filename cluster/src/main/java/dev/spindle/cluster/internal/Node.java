package dev.spindle.cluster.internal;

import dev.spindle.actors.ActorPath;
import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.AskTimeoutException;
import dev.spindle.actors.DeadLetter;
import dev.spindle.cluster.ClusterNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The by-name half of a cluster process ({@link ClusterNode}): what it exposes, refs to what the
 * others expose, and the TELL frames between them ({@code int target, UTF name, message}). The
 * primary relays a TELL between two workers unread (the frame as it came), so per-sender order
 * holds end to end.
 */
public abstract class Node implements ClusterNode {

    private static final Logger LOG = LoggerFactory.getLogger(Node.class);
    /** The node whose codecs are running on this thread: refs read there send through it. */
    private static final ThreadLocal<Node> DECODING = new ThreadLocal<>();

    final ActorSystem system;
    final Wire wire;
    private final int processId;
    private final Map<String, Consumer<Object>> exposed = new ConcurrentHashMap<>();
    private final AtomicLong asks = new AtomicLong();

    Node(ActorSystem system, Wire wire, int processId) {
        this.system = Objects.requireNonNull(system, "system");
        this.wire = wire;
        this.processId = processId;
    }

    @Override
    public int processId() {
        return processId;
    }

    @Override
    public <M> void expose(String name, ActorRef<M> actor) {
        Objects.requireNonNull(actor, "actor");
        exposed.put(checkName(name), message -> tellUnchecked(actor, message));
    }

    @SuppressWarnings("unchecked")
    private static <M> void tellUnchecked(ActorRef<M> actor, Object message) {
        actor.tell((M) message);
    }

    @Override
    public void unexpose(String name) {
        exposed.remove(name);
    }

    @Override
    public <M> ActorRef<M> remote(int target, String name) {
        return new RemoteRef<>(this, target, checkName(name));
    }

    private static String checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > 256) {
            throw new IllegalArgumentException("a name of 1 to 256 characters: " + name);
        }
        return name;
    }

    /** Sends {@code message} for {@code name} in process {@code target}; a dead letter if it cannot. */
    void tell(RemoteRef<?> to, Object message) {
        Objects.requireNonNull(message, "message");
        if (to.target == processId) {
            deliver(to, message);
            return;
        }
        wire.check(message);
        Link.Sent sent = sendTell(to.target, out -> {
            out.writeInt(to.target);
            out.writeUTF(to.name);
            wire.encode(message, out);
        });
        deadLetterUnless(sent, to, message);
    }

    /** A message that did not reach the ring is a dead letter: the process has gone, or was too far behind. */
    void deadLetterUnless(Link.Sent sent, ActorRef<?> to, Object message) {
        switch (sent) {
            case SENT -> { }
            case CLOSED -> system.deadLetters().publish(to, message, DeadLetter.Reason.STOPPED);
            case FULL -> system.deadLetters().publish(to, message, DeadLetter.Reason.MAILBOX_FULL);
        }
    }

    /** The name a dead letter of {@code ClusterWorker.send} / {@code Worker.send} is addressed to. */
    static final String MESSAGES = "messages";

    /**
     * Sends {@code message} on {@code link} (null: not connected) as a MESSAGE frame for process
     * {@code target}.
     *
     * @return false, counting it in {@code undelivered}, if it could not be handed to the link; if
     *         the link's ring was full, it is a dead letter ({@code MAILBOX_FULL}) too
     * @throws IllegalArgumentException if no codec takes its type
     */
    boolean sendMessage(Link link, int target, Object message, java.util.concurrent.atomic.AtomicLong undelivered) {
        wire.check(message);
        Link.Sent sent = link == null ? Link.Sent.CLOSED : link.send(Link.MESSAGE, out -> wire.encode(message, out));
        if (sent == Link.Sent.SENT) {
            return true;
        }
        undelivered.incrementAndGet();
        if (sent == Link.Sent.FULL) {
            deadLetterUnless(sent, new RemoteRef<>(this, target, MESSAGES), message);
        }
        return false;
    }

    /** Hands a TELL frame on towards {@code target}; {@return whether it reached the ring} */
    abstract Link.Sent sendTell(int target, Link.Body frame);

    /** A TELL frame for this process: read the message and hand it to the exposed actor. */
    void receiveTell(String name, DataInputStream message) throws IOException {
        Object decoded = decoding(() -> wire.decode(message));
        deliver(new RemoteRef<>(this, processId, name), decoded);
    }

    private void deliver(RemoteRef<?> to, Object message) {
        Consumer<Object> target = exposed.get(to.name);
        if (target == null) {
            LOG.debug("cluster: a message for {}, which process {} does not expose", to.name, processId);
            system.deadLetters().publish(to, message, DeadLetter.Reason.STOPPED);
            return;
        }
        target.accept(message);
    }

    <R> CompletionStage<R> ask(RemoteRef<?> to, Function<ActorRef<R>, ?> request, Duration timeout) {
        String replyName = "ask-" + asks.incrementAndGet();
        CompletableFuture<R> reply = new CompletableFuture<>();
        exposed.put(replyName, answer -> {
            @SuppressWarnings("unchecked")
            R typed = (R) answer;
            reply.complete(typed);
        });
        reply.whenComplete((r, failure) -> exposed.remove(replyName));
        CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS).execute(() ->
                reply.completeExceptionally(new AskTimeoutException("no reply from " + to + " within " + timeout)));
        tell(to, request.apply(new RemoteRef<>(this, processId, replyName)));
        return reply;
    }

    // ---- refs inside codecs --------------------------------------------------------------------

    private <T> T decoding(IoSupplier<T> decode) throws IOException {
        Node previous = DECODING.get();
        DECODING.set(this);
        try {
            return decode.get();
        } finally {
            DECODING.set(previous);
        }
    }

    @FunctionalInterface
    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    public static void writeRef(ActorRef<?> ref, DataOutput out) throws IOException {
        if (!(ref instanceof RemoteRef<?> remote)) {
            throw new IllegalArgumentException("a local ref cannot cross processes: expose it, and send "
                    + "node.remote(node.processId(), name) instead: " + ref);
        }
        out.writeInt(remote.target);
        out.writeUTF(remote.name);
    }

    public static <M> ActorRef<M> readRef(DataInput in) throws IOException {
        Node node = DECODING.get();
        if (node == null) {
            throw new IllegalStateException("ClusterRefs.read outside a codec the cluster runs");
        }
        int target = in.readInt();
        return new RemoteRef<>(node, target, in.readUTF());
    }

    /** A ref to an actor exposed by name in a process of the cluster (maybe this one). */
    static final class RemoteRef<M> implements ActorRef<M> {
        private final Node node;
        final int target;
        final String name;

        RemoteRef(Node node, int target, String name) {
            this.node = node;
            this.target = target;
            this.name = name;
        }

        @Override
        public void tell(M message) {
            node.tell(this, message);
        }

        @Override
        public <R> CompletionStage<R> ask(Function<ActorRef<R>, ? extends M> request, Duration timeout) {
            return node.ask(this, request, timeout);
        }

        @Override
        public ActorPath path() {
            return ActorPath.root().child("cluster").child(target == PRIMARY ? "primary" : "worker-" + target).child(name);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RemoteRef<?> other && other.target == target && other.name.equals(name);
        }

        @Override
        public int hashCode() {
            return 31 * target + name.hashCode();
        }

        @Override
        public String toString() {
            return "RemoteRef[" + path() + "]";
        }
    }
}
