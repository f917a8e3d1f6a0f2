/**
 * Spindle cluster: a primary process forks workers that share listening sockets, exchange typed
 * messages over a private IPC socket, and are restarted when they crash.
 */
module dev.spindle.cluster {
    // API: roles, the primary's and the workers' handles, their events, codecs
    exports dev.spindle.cluster;

    // SPI: none yet.

    // internal: IPC links, worker slots, launching; not exported
    requires transitive dev.spindle.io;
    requires java.management;
    requires jdk.net;
}
