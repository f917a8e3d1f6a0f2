package dev.spindle.stress;

import dev.spindle.mailbox.Mailbox;
import dev.spindle.mailbox.MailboxHandler;
import dev.spindle.mailbox.Offer;

/**
 * Offers are thread-safe; the rest belongs to the holder, exactly as in {@link Mailbox}. What the
 * {@link Handshake} scenario calls, with {@code Mailbox}'s contracts. It exists so that
 * the negative control ({@code negative.UnfencedHandshake}) runs the very same scenario, outcomes
 * and arbiter against a broken copy: {@code Mailbox} is sealed and cannot be implemented here.
 */
public interface HandshakeSubject {

    Offer offer(String message);

    Offer offerSystem(String message);

    boolean trySchedule();

    int drain(MailboxHandler<Object, Object> handler, int limit);

    boolean tryIdle();

    boolean isScheduled();

    /** {@return a subject that passes every call to {@code mailbox}} */
    static HandshakeSubject of(Mailbox<String, String> mailbox) {
        return new HandshakeSubject() {
            @Override
            public Offer offer(String message) {
                return mailbox.offer(message);
            }

            @Override
            public Offer offerSystem(String message) {
                return mailbox.offerSystem(message);
            }

            @Override
            public boolean trySchedule() {
                return mailbox.trySchedule();
            }

            @Override
            public int drain(MailboxHandler<Object, Object> handler, int limit) {
                return mailbox.drain(handler, limit);
            }

            @Override
            public boolean tryIdle() {
                return mailbox.tryIdle();
            }

            @Override
            public boolean isScheduled() {
                return mailbox.isScheduled();
            }
        };
    }
}
