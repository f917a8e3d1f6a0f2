package dev.spindle.io.internal;

import dev.spindle.actors.ActorRef;

import java.util.Objects;
import java.util.function.Function;

/** Factories for {@link Recipient}s, for the API classes. */
public final class Recipients {

    private Recipients() {
    }

    @SuppressWarnings("unchecked")
    public static <E> Recipient<E, ?> direct(ActorRef<? super E> ref) {
        return new Recipient<E, Object>((ActorRef<Object>) Objects.requireNonNull(ref, "owner"), event -> event);
    }

    public static <E, M> Recipient<E, M> adapted(ActorRef<M> ref, Function<? super E, ? extends M> adapter) {
        return new Recipient<>(Objects.requireNonNull(ref, "owner"), Objects.requireNonNull(adapter, "adapter"));
    }
}
