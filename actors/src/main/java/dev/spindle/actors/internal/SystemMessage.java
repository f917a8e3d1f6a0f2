package dev.spindle.actors.internal;

import dev.spindle.actors.ActorRef;

/**
 * Immutable. The runtime's messages to an actor, on its mailbox's system lane: never dropped while
 * the actor lives, always handled before its next user message.
 */
sealed interface SystemMessage {

    /** Run the behavior's setup now, rather than on the first message. */
    enum Start implements SystemMessage { INSTANCE }

    /** Stop: children first, then {@code PostStop}, then tell watchers and the parent. */
    enum Stop implements SystemMessage { INSTANCE }

    /** A backoff is over: restart now. {@code generation} ignores a stale one. */
    record Restart(int generation) implements SystemMessage {
    }

    /** {@code watcher} wants a {@code Terminated} when the recipient stops. */
    record Watch(ActorCell<?> watcher) implements SystemMessage {
    }

    /** {@code watcher} no longer wants one. */
    record Unwatch(ActorCell<?> watcher) implements SystemMessage {
    }

    /** {@code actor}, which the recipient watches or parents, has stopped. */
    record Terminated(ActorCell<?> actor, Throwable failure) implements SystemMessage {
    }

    /** A child escalated its failure: the recipient fails with it. */
    record Escalated(ActorRef<?> child, Throwable failure) implements SystemMessage {
    }
}
