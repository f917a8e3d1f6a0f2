package dev.spindle.io.tls;

/**
 * Immutable. What a reload of key or trust material did: the new material is in use, or the
 * old material was kept because the new could not be used.
 */
public sealed interface ReloadOutcome {

    /** {@return the generation in use after the reload: new if reloaded, the old one if kept} */
    long generation();

    /** New handshakes use the new material, numbered {@code generation}. */
    record Reloaded(long generation) implements ReloadOutcome {
    }

    /** The new material was refused for {@code reason}; generation {@code generation} stays in use. */
    record Kept(long generation, TlsMaterialException reason) implements ReloadOutcome {
    }
}
