/**
 * The execution models the actor runtime did not choose, kept runnable beside the benchmark that
 * rejected them ({@code dev.spindle.perf.actors.ActorComparison} with {@code -Dcontenders=...}).
 * Each is a {@code dev.spindle.actors.internal.Dispatcher}, plugged into the real runtime through
 * the {@code spindle.dispatcher} system property, so only the mapping of turns onto threads
 * differs. ARCHITECTURE.md has the figures and the reasons.
 */
package dev.spindle.perf.alternatives;
