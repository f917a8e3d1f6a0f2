/**
 * Spindle metrics (optional): Micrometer meters for actor systems, HTTP servers, io loops and
 * clusters. The only Spindle module that depends on Micrometer; the application picks the
 * registry (Prometheus, OTLP, ...).
 */
// Micrometer's jars are automatic modules (no module-info); the API takes a MeterRegistry, so its
// readers must read micrometer.core too: transitive, on purpose.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.spindle.metrics {
    // API: the binders
    exports dev.spindle.metrics;

    // SPI: none.

    // internal: the meters' wiring; not exported
    requires transitive dev.spindle.cluster;
    requires transitive micrometer.core;
}
