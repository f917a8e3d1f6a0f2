/**
 * Lock-free mailboxes: many producers, exactly one consumer, and a scheduling handshake that tells
 * exactly one party when the consumer must run.
 *
 * <h2>The contract, shared by every {@link dev.spindle.mailbox.Mailbox}</h2>
 * <ul>
 *   <li>{@code offer} is lock-free and never blocks; messages from one producer are consumed in the
 *       order that producer offered them; nothing is lost or duplicated. Every message offered is
 *       either handed to the consumer, handed to the {@link dev.spindle.mailbox.DeadLetterSink}, or
 *       returned to its producer as {@link dev.spindle.mailbox.Offer#REJECTED}.</li>
 *   <li>The consumer drains in batches: one wake-up serves up to {@code limit} messages.</li>
 *   <li>A separate system lane carries control messages. It is unbounded, never dropped, and
 *       overtakes the user lane: a system message offered before the consumer takes its next user
 *       message is handled before that user message.</li>
 * </ul>
 *
 * <h2>The scheduling handshake</h2>
 * A mailbox is either <em>idle</em> (nobody runs its consumer) or <em>scheduled</em> (exactly one
 * party holds the right to consume). The producer whose offer turns an idle mailbox into a
 * scheduled one gets {@link dev.spindle.mailbox.Offer#SCHEDULE}: it, and nobody else, must arrange
 * for the consumer to run. The consumer, when it has nothing left, calls
 * {@link dev.spindle.mailbox.Mailbox#tryIdle()}, which releases the mailbox only if it is still
 * empty after the release became visible; otherwise the consumer keeps the right and runs on.
 * <pre>
 *                offer() -&gt; SCHEDULE
 *     +------+ ------------------------&gt; +-----------+
 *     | IDLE |                           | SCHEDULED | --- drain(handler, limit) ---+
 *     +------+ &lt;------------------------ +-----------+ &lt;----------------------------+
 *                tryIdle() == true            |  close()
 *                                             v
 *                                 CLOSED: later offers go to the dead-letter sink,
 *                                 and whatever was left in the mailbox follows them
 * </pre>
 * The handshake is a Dekker pair: the producer makes its message known, then reads the state; the
 * consumer publishes "idle", then re-reads the queue, each with StoreLoad ordering in between. At
 * least one of them sees the other, and a CAS decides which of them runs the consumer. Where the
 * producer claims its slot with a CAS or an atomic add (the ring, the chunked mailbox, the system
 * lane), that volatile read-modify-write is its store, the consumer's re-read looks at what is
 * claimed, and the offer pays no fence; the consumer then keeps hold while a claimed slot is not
 * yet written ({@code tryIdle()} returns {@code false} and {@code drain} may return 0), which
 * lasts as long as that producer's few instructions between claim and write. The bounded mailbox
 * makes its message visible first and then fences.
 * {@code stress} holds the jcstress tests that check it.
 *
 * <h2>Choosing a mailbox</h2>
 * <ul>
 *   <li>{@link dev.spindle.mailbox.MpscRingMailbox}: a pre-allocated LMAX Disruptor ring, the hot
 *       path for busy consumers; bounded, and a full ring never blocks a producer.</li>
 *   <li>{@link dev.spindle.mailbox.MpscChunkedMailbox}: unbounded, a few dozen bytes while it has
 *       never been used, grows in chunks; for the millions of mostly idle consumers.</li>
 *   <li>{@link dev.spindle.mailbox.MpscBoundedMailbox}: bounded, with an
 *       {@link dev.spindle.mailbox.OverflowPolicy} for what a full mailbox does.</li>
 * </ul>
 *
 * <p>Accessor prefixes in the implementations follow JCTools: {@code lv} load volatile/acquire,
 * {@code lp} load plain, {@code so} store ordered (release), {@code sp} store plain, {@code cas}.
 */
package dev.spindle.mailbox;
