package dev.spindle.actors.internal;

import dev.spindle.actors.MailboxSpec;
import dev.spindle.mailbox.Mailbox;
import dev.spindle.mailbox.MpscBoundedMailbox;
import dev.spindle.mailbox.MpscChunkedMailbox;
import dev.spindle.mailbox.MpscRingMailbox;
import dev.spindle.mailbox.OverflowPolicy;

/** Immutable. Makes an actor's mailbox, with the actor as its dead-letter sink. */
@FunctionalInterface
interface MailboxFactory {

    Mailbox<SystemMessage, Object> create(ActorCell<?> owner);

    static MailboxFactory of(MailboxSpec spec) {
        return switch (spec) {
            case MailboxSpec.Unbounded ignored -> MpscChunkedMailbox::new;
            // An actor's ring refuses when full (the refusal becomes a dead letter): never blocks.
            case MailboxSpec.Ring(int capacity) -> owner -> new MpscRingMailbox<>(capacity, OverflowPolicy.FAIL, owner);
            case MailboxSpec.Bounded(int capacity, OverflowPolicy overflow) ->
                    owner -> new MpscBoundedMailbox<>(capacity, overflow, owner);
        };
    }
}
