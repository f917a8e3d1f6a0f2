package dev.spindle.cluster.internal;

import dev.spindle.cluster.ClusterConfig;
import dev.spindle.cluster.Codec;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Thread-safe. The registered codecs: a message's class to its wire id and back. */
final class Wire {

    private final List<ClusterConfig.Registration<?>> registrations;
    private final Map<Integer, ClusterConfig.Registration<?>> byId = new HashMap<>();
    /** A message's class to its registration: exact, or the first registered supertype. */
    private final Map<Class<?>, ClusterConfig.Registration<?>> byClass = new ConcurrentHashMap<>();

    Wire(ClusterConfig config) {
        this.registrations = config.codecs();
        for (ClusterConfig.Registration<?> r : registrations) {
            byId.put(r.id(), r);
        }
    }

    /** Writes {@code message}'s wire id, then the message. */
    void encode(Object message, DataOutput out) throws IOException {
        ClusterConfig.Registration<?> r = byClass.computeIfAbsent(message.getClass(), this::find);
        out.writeInt(r.id());
        write(r, message, out);
    }

    /** Checks that {@code message} can be sent: throws if no codec takes its type. */
    void check(Object message) {
        byClass.computeIfAbsent(message.getClass(), this::find);
    }

    private ClusterConfig.Registration<?> find(Class<?> type) {
        for (ClusterConfig.Registration<?> r : registrations) {
            if (r.type() == type) {
                return r;
            }
        }
        for (ClusterConfig.Registration<?> r : registrations) {
            if (r.type().isAssignableFrom(type)) {
                return r;
            }
        }
        throw new IllegalArgumentException("no codec for " + type.getName() + ": register one with ClusterConfig.withCodec");
    }

    @SuppressWarnings("unchecked")
    private static <T> void write(ClusterConfig.Registration<T> r, Object message, DataOutput out) throws IOException {
        r.codec().encode((T) message, out);
    }

    /** Reads a message {@link #encode} wrote. */
    Object decode(DataInput in) throws IOException {
        int id = in.readInt();
        ClusterConfig.Registration<?> r = byId.get(id);
        if (r == null) {
            throw new IOException("a message with wire id " + id + ", which has no codec here");
        }
        Codec<?> codec = r.codec();
        Object message = codec.decode(in);
        if (message == null) {
            throw new IOException("the codec for " + r.type().getName() + " decoded null");
        }
        return message;
    }
}
