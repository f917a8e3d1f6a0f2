/**
 * jcstress tests for Spindle's lock-free code: the mailboxes' scheduling handshake, publication,
 * system lane and close. Run them with {@code stress/run} (see {@code stress/README.md}); a normal
 * {@code mvn verify} only builds {@code stress/target/jcstress.jar}.
 *
 * <h2>How a scenario is written</h2>
 * One abstract class per scenario holds the state, the actors' bodies and every {@code @Outcome}
 * (jcstress's {@code @Outcome} is {@code @Inherited}). Tiny nested subclasses, one per mailbox
 * kind, are the {@code @JCStressTest}s. They must re-declare the {@code @Actor} and
 * {@code @Arbiter} methods as one-line delegations: jcstress 0.16's annotation processor looks only
 * at the methods a test class declares itself, not inherited ones.
 *
 * <h2>Where the raced offer lands</h2>
 * Every mailbox is made with room for two messages ({@link dev.spindle.stress.MailboxKind}). Each
 * scenario first feeds and drains fillers so that the offer it races is the mailbox's third (or,
 * for publication, its first): the offer that wraps the ring, wraps the bounded array and links a
 * new chunk (or creates the first one), the paths most likely to be wrong.
 *
 * <h2>Reading the results</h2>
 * {@code FORBIDDEN} outcomes are bugs in the mailbox, never flakiness: a scenario's outcomes list
 * every result its code can produce. {@code dev.spindle.stress.negative} holds negative controls:
 * deliberately broken copies that must show {@code FORBIDDEN} results, excluded from the default
 * run.
 */
package dev.spindle.stress;
