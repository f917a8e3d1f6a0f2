/**
 * Spindle actors: single-threaded event handlers fed from lock-free mailboxes, each run on a
 * virtual thread while it has messages.
 */
module dev.spindle.actors {
    // API: actor systems, refs, behaviors, contexts, supervision, dead letters
    exports dev.spindle.actors;
    // API: the synchronous and asynchronous testkits
    exports dev.spindle.actors.testkit;

    // SPI: platform threads (io loops) that run the turns of the actors they wake
    exports dev.spindle.actors.spi;

    // internal: the runtime (cells, dispatch, timers); not exported
    requires transitive dev.spindle.mailbox;
    requires transitive org.slf4j;
    requires jdk.jfr;
    requires java.management;
    requires org.jctools.core;
}
