/**
 * Measurements of the mailboxes, never run by the default build: {@code mvn package} builds
 * {@code perf/target/benchmarks.jar} and runs two smoke checks; README.md in this module has the
 * commands and the figures.
 *
 * <ul>
 *   <li>{@link dev.spindle.perf.MpscThroughputBenchmark}: the one JMH harness, N producers to one
 *       consumer, scored in messages consumed per microsecond. Its subclasses run it on the
 *       mailboxes ({@link dev.spindle.perf.MailboxBenchmark}) and on the bare structures they are
 *       built on, as the physical limit ({@link dev.spindle.perf.RawRingBenchmark},
 *       {@link dev.spindle.perf.RawJctoolsBenchmark}).</li>
 *   <li>{@link dev.spindle.perf.MailboxFootprint}: bytes per mailbox, by JOL and by heap delta,
 *       with the rejected JCTools-based unbounded mailbox beside its evidence.</li>
 *   <li>{@link dev.spindle.perf.PairedRatio}: mailbox over raw structure, in interleaved rounds.</li>
 *   <li>{@link dev.spindle.perf.JmhSummary}: a JMH JSON result file as the README's table.</li>
 * </ul>
 *
 * <p>The module has no {@code module-info}: JMH and JOL run from one shaded jar on the class path.
 */
package dev.spindle.perf;
