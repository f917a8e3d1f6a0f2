/**
 * Testkits for actors, as Pekko offers them:
 * <ul>
 *   <li>{@link dev.spindle.actors.testkit.BehaviorTestKit}: synchronous. Runs a behavior on the
 *       test's thread, one message at a time, with no system and no threads, and records what it
 *       did ({@link dev.spindle.actors.testkit.Effect}s: spawned, stopped, watched, timers) and what
 *       it sent ({@link dev.spindle.actors.testkit.TestInbox}es). For the logic of one actor.</li>
 *   <li>{@link dev.spindle.actors.testkit.ActorTestKit}: asynchronous. A real actor system, with
 *       {@link dev.spindle.actors.testkit.TestProbe}s that wait for messages and terminations with
 *       deadlines, and optionally {@link dev.spindle.actors.testkit.ManualTime}, which fires timers
 *       only when the test advances the clock. For actors together.</li>
 * </ul>
 */
package dev.spindle.actors.testkit;
