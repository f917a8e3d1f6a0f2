package dev.spindle.stress.negative;

import dev.spindle.stress.Handshake;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZZZ_Result;

/**
 * Negative control, expected to FAIL: the {@link Handshake} scenario, outcomes and arbiter
 * unchanged, run against {@link UnfencedMailbox}, the mailbox handshake without its StoreLoad
 * fences. jcstress must report the FORBIDDEN lost wake-up {@code false, false, false, false}; if it
 * does not, the {@code Handshake} tests could not catch that bug either. Excluded from
 * {@code stress/run}'s default selection; run it with {@code stress/run -t negative}.
 */
@JCStressTest
@State
@Description("NEGATIVE CONTROL, expected to fail: the Handshake scenario against a copy without its StoreLoad fences.")
public class UnfencedHandshake extends Handshake {

    public UnfencedHandshake() {
        super(UnfencedMailbox.heldAfterOneMessage(), false);
    }

    @Actor
    public void consumer(ZZZZ_Result r) {
        consume(r);
    }

    @Actor
    public void producer(ZZZZ_Result r) {
        produce(r);
    }

    @Arbiter
    public void arbiter(ZZZZ_Result r) {
        check(r);
    }
}
