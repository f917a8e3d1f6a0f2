package dev.spindle.actors.internal;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The rescuer forgetting a pooled activation races the activation being reused (the actors
 * module's {@link RescuerWatch}, the very code). At the start the activation is parked in the pool
 * ({@code finished}) and on the rescuer's list ({@code watched}). Actor 1 is the activation, taken
 * from the pool, on its next hand-off: it runs again, then registers if it wins the watch. Actor 2
 * is the rescuer's tick: it drops the entry if the activation has finished. The activation must
 * end up on the list exactly once: registered anew and the old entry dropped, or not registered
 * and the old entry kept.
 *
 * <p>Result: r1 the activation registered anew; r2 the rescuer dropped its entry.
 */
@JCStressTest
@State
@Description("RescuerWatch: a reused activation and the rescuer's tick leave exactly one watch-list entry.")
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "The rescuer dropped the old entry; the activation registered anew.")
@Outcome(id = "false, false", expect = ACCEPTABLE, desc = "The rescuer kept its entry; the activation saw it and did not register.")
@Outcome(id = "false, true", expect = FORBIDDEN,
        desc = "Lost: the entry was dropped and the running activation did not register; its successors would never be rescued.")
@Outcome(id = "true, false", expect = FORBIDDEN,
        desc = "Twice: the entry was kept and the activation registered again; the list would grow with every reuse.")
public class RescuerWatchRace extends RescuerWatch {

    @SuppressWarnings("this-escape") // final methods of RescuerWatch, on its own fields
    public RescuerWatchRace() {
        if (!claimWatch()) {
            throw new IllegalStateException("a fresh watch must be claimable");
        }
        markFinished(); // parked in the pool, still on the rescuer's list
    }

    @Actor
    public void reusedActivation(ZZ_Result r) {
        markRunning();
        r.r1 = claimWatch();
    }

    @Actor
    public void rescuerTick(ZZ_Result r) {
        r.r2 = unwatchIfFinished();
    }
}
