/**
 * Spindle io: non-blocking TCP, UDP, files, DNS, child processes and HTTP/1.1, with every
 * completion delivered to the owning actor as a message.
 *
 * <p>An empty shell until the io issue lands; it compiles so the reactor stays whole.
 */
module dev.spindle.io {
    // API: exported when the io issue lands (dev.spindle.io).

    // SPI: none yet.

    // internal
    requires dev.spindle.actors;
}
