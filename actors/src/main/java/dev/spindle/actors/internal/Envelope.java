package dev.spindle.actors.internal;

/**
 * Immutable. A user-lane message the runtime wraps, to check on the actor's thread whether it still
 * stands before the behavior sees it: a timer's message is dropped once its timer is cancelled.
 */
interface Envelope {

    /**
     * Actor-thread only.
     *
     * @return the message for the behavior, or {@code null} if it no longer stands
     */
    Object open(ActorCell<?> recipient);

    /** {@return the wrapped message, for dead letters} */
    Object payload();

    /** {@return whether it was called off (a cancelled timer or offload): not a dead letter if dropped} */
    default boolean isCalledOff() {
        return false;
    }
}
