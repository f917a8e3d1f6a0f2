package dev.spindle.cluster;

import dev.spindle.actors.ActorRef;
import dev.spindle.cluster.internal.Node;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Writing refs in a {@link Codec}: a remote ref (from {@link ClusterNode#remote}, or the reply-to
 * ref of an {@code ask} across processes) crosses as its process and name, and is read back as a
 * ref that sends there. A local ref must be {@linkplain ClusterNode#expose exposed} and sent as
 * {@code node.remote(node.processId(), name)}.
 *
 * <pre>{@code
 * record Get(String key, ActorRef<String> replyTo) {}
 * Codec<Get> GET = Codec.of((get, out) -> { out.writeUTF(get.key()); ClusterRefs.write(get.replyTo(), out); },
 *                           in -> new Get(in.readUTF(), ClusterRefs.read(in)));
 * }</pre>
 */
public final class ClusterRefs {

    private ClusterRefs() {
    }

    /**
     * Writes {@code ref}.
     *
     * @throws IllegalArgumentException if it is a local ref (expose it, and write its remote ref)
     */
    public static void write(ActorRef<?> ref, DataOutput out) throws IOException {
        Node.writeRef(ref, out);
    }

    /** Reads a ref {@link #write} wrote; only inside a codec that the cluster is running. */
    public static <M> ActorRef<M> read(DataInput in) throws IOException {
        return Node.readRef(in);
    }
}
