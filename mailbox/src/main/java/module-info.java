/**
 * Spindle mailbox: lock-free multi-producer, single-consumer mailboxes with a scheduling
 * handshake and a separate system lane. Knows nothing of actors.
 */
module dev.spindle.mailbox {
    // API
    exports dev.spindle.mailbox;

    // internal: the structures the mailboxes are built on
    requires com.lmax.disruptor;
    requires org.jctools.core;
}
