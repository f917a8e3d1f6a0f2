package dev.spindle.actors.internal;

import java.util.function.Consumer;

/**
 * Immutable. Work the runtime sends to run on an actor's own thread, in order with its user
 * messages (registering a cross-actor event subscription, say). The behavior never sees it.
 */
record ActorTask(String what, Consumer<ActorCell<?>> action) implements Envelope {

    @Override
    public Object open(ActorCell<?> recipient) {
        action.accept(recipient);
        return null;
    }

    @Override
    public Object payload() {
        return this;
    }

    @Override
    public String toString() {
        return "ActorTask[" + what + ']';
    }
}
