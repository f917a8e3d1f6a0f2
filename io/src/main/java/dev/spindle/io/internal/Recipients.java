package dev.spindle.io.internal;

import dev.spindle.actors.ActorRef;
import dev.spindle.io.TcpEvent;

import java.util.Objects;
import java.util.function.Function;

/** Factories for {@link Recipient}s, for the API classes. */
public final class Recipients {

    private Recipients() {
    }

    @SuppressWarnings("unchecked")
    public static Recipient<?> direct(ActorRef<? super TcpEvent> ref) {
        return new Recipient<>((ActorRef<Object>) ref, event -> event);
    }

    public static <M> Recipient<M> adapted(ActorRef<M> ref, Function<? super TcpEvent, ? extends M> adapter) {
        return new Recipient<>(Objects.requireNonNull(ref, "owner"), Objects.requireNonNull(adapter, "adapter"));
    }
}
