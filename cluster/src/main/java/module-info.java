/**
 * Spindle cluster: a primary process forks workers that share listening sockets and exchange
 * messages.
 *
 * <p>An empty shell until the cluster issue lands; it compiles so the reactor stays whole.
 */
module dev.spindle.cluster {
    // API: exported when the cluster issue lands (dev.spindle.cluster).

    // SPI: none yet.

    // internal
    requires dev.spindle.io;
}
