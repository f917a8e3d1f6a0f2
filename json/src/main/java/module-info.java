/**
 * Spindle JSON (optional): HTTP request and response bodies read as records and classes, and
 * answers written from objects, with Jackson 3. The core modules do not depend on it.
 */
module dev.spindle.json {
    // API: the codec, what it reads, its limits
    exports dev.spindle.json;

    // SPI: none.

    // internal: Problems (Jackson's failures as answers); not exported
    requires transitive dev.spindle.io;
    requires transitive tools.jackson.databind;
}
