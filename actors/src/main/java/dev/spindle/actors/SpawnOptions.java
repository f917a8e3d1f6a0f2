package dev.spindle.actors;

/**
 * Immutable. How to spawn one actor, where the system's defaults will not do.
 *
 * @param mailbox the actor's mailbox, or {@code null} for the system's default
 */
public record SpawnOptions(MailboxSpec mailbox) {

    private static final SpawnOptions DEFAULTS = new SpawnOptions(null);

    /** {@return the system's defaults} */
    public static SpawnOptions defaults() {
        return DEFAULTS;
    }

    /** {@return these options with the given mailbox} */
    public SpawnOptions withMailbox(MailboxSpec spec) {
        return new SpawnOptions(spec);
    }
}
