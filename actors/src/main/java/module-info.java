/**
 * Spindle actors: single-threaded event handlers fed from lock-free mailboxes.
 *
 * <p>An empty shell until the Actor core issue lands; it compiles so the reactor stays whole.
 */
module dev.spindle.actors {
    // API: exported when the Actor core issue lands (dev.spindle.actors).

    // SPI: none yet.

    // internal
    requires dev.spindle.mailbox;
    requires org.slf4j;
}
