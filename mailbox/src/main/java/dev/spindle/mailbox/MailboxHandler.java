package dev.spindle.mailbox;

/**
 * Consumer-thread only: called by {@link Mailbox#drain} on the thread that holds the mailbox.
 * Handles the messages of one drain, one at a time.
 *
 * <p>Each method returns whether the drain should go on; {@code false} ends it after this
 * message, leaving the rest in the mailbox for the next drain (or for {@link Mailbox#close()}).
 * A handler that throws ends the drain the same way; the message it was given counts as taken.
 *
 * @param <S> the type of system messages
 * @param <M> the type of user messages
 */
public interface MailboxHandler<S, M> {

    /**
     * Handles one system message.
     *
     * @param message the message
     * @return {@code true} to go on draining, {@code false} to stop after this message
     */
    boolean onSystemMessage(S message);

    /**
     * Handles one user message.
     *
     * @param message the message
     * @return {@code true} to go on draining, {@code false} to stop after this message
     */
    boolean onMessage(M message);
}
