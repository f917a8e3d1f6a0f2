/**
 * Spindle io: non-blocking TCP (and, as it lands, UDP, files, DNS, child processes and HTTP/1.1),
 * with every completion delivered to the owning actor as a message.
 */
module dev.spindle.io {
    // API: event loops, TCP listeners and connections, their events
    exports dev.spindle.io;
    // API: the HTTP/1.1 server and client
    exports dev.spindle.io.http;
    exports dev.spindle.io.tls; // API: TLS options, PEM and key store material, reloadable key and trust managers

    // SPI: none yet.

    // internal: selector loops, channels, write queues; not exported
    requires transitive dev.spindle.actors;
    requires org.jctools.core;
}
