/**
 * Spindle mailbox: lock-free multi-producer, single-consumer mailboxes with a scheduling
 * handshake and a separate system lane. Knows nothing of actors.
 */
module dev.spindle.mailbox {
    // API: the Mailbox contract, its three implementations, offer outcomes and dead letters
    exports dev.spindle.mailbox;

    // SPI: none. Mailbox is sealed; a new kind of mailbox belongs in this module, with its
    // contract tests and jcstress tests, not in a user's code.

    // internal: the structures the mailboxes are built on
    requires com.lmax.disruptor;
    requires org.jctools.core;
}
