package dev.spindle.io.internal;

import dev.spindle.actors.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/** Immutable. The actor a channel's events ({@code E}) go to, and how they are wrapped into its protocol. */
public record Recipient<E, M>(ActorRef<M> ref, Function<? super E, ? extends M> adapter) {

    private static final Logger LOG = LoggerFactory.getLogger(Recipient.class);

    public void deliver(E event) {
        M message;
        try {
            message = adapter.apply(event);
        } catch (RuntimeException e) {
            LOG.error("the adapter of {} threw on {}; the event is lost", ref, event, e);
            return;
        }
        // A stopped recipient: the actor runtime counts it as a dead letter.
        ref.tell(message);
    }
}
