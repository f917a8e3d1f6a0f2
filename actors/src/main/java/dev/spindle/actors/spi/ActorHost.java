package dev.spindle.actors.spi;

import dev.spindle.actors.internal.Activation;

import java.util.function.Consumer;

/**
 * Confined to the platform thread that {@linkplain #run runs} it, but {@code onStuck}. Lets a
 * platform thread that wakes actors as part of its work (an io loop telling route actors about the
 * requests it just parsed) run their turns itself, between its own duties, instead of starting a
 * virtual thread for each and waking a carrier: one thread, no hand-off, as Vert.x and Node answer
 * on their loops, but with the actor model's guarantees kept.
 *
 * <p>While {@link #run} runs its body, an actor that a {@code tell} from this thread finds idle
 * waits here (up to a few hundred; more get threads of their own) until the thread calls
 * {@link #runHosted}. A hosted turn must not hold the thread: when one blocks for the actor
 * runtime's rescue period (2–4 ms), or computes for several milliseconds (a thread the OS merely
 * has not let run does not count, where Linux's {@code /proc} tells), the host is
 * <em>detached</em>: {@code onStuck} runs on another thread and must give the platform thread's
 * duties to a new thread; the actors still waiting get virtual threads; the stuck actor is not
 * hosted for a while (a second, doubling with each strike); and {@code runHosted} returns
 * {@code false} once its turn ends, telling the old thread to stop. So a handler that blocks costs
 * the thread's other work a few milliseconds, a handful of times.
 *
 * <pre>{@code
 * ActorHost host = ActorHost.create(actor -> startAnotherLoopThread());
 * host.run(() -> {
 *     while (open) {
 *         pollAndTellActors();           // tells to idle actors are queued on the host
 *         if (!host.runHosted()) {
 *             return;                    // detached: another thread does this work now
 *         }
 *         runOwnTasks();
 *     }
 * });
 * }</pre>
 */
public final class ActorHost {

    private final Activation activation;

    private ActorHost(Consumer<String> onStuck) {
        this.activation = Activation.newHost(onStuck);
    }

    /**
     * A host whose {@code onStuck} moves the thread's duties to a new thread (see the class
     * comment); it is given, for a log line, the stuck actor, whether it blocked or computed and
     * for how long (to the rescuer's 2 ms tick), and where its thread was.
     */
    public static ActorHost create(Consumer<String> onStuck) {
        return new ActorHost(onStuck);
    }

    /** Runs {@code body} on this thread as the host; a host runs once. */
    public void run(Runnable body) {
        activation.runAsHost(body);
    }

    /** {@return whether actors wait for {@link #runHosted}} Inside {@link #run} only. */
    public boolean hasHosted() {
        return activation.hasHosted();
    }

    /**
     * Runs one turn of each actor waiting here, in the order they were woken. Inside {@link #run} only.
     *
     * @return {@code false} if the host was detached: this thread must stop doing the host's work
     */
    public boolean runHosted() {
        return activation.runHosted();
    }

    /** The actors waiting here get threads of their own: call it last in {@link #run}'s body when ending. */
    public void release() {
        activation.releaseHosted();
    }
}
