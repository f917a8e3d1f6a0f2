package dev.spindle.actors.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * Thread-safe. JFR events for actor failures and restarts. With JFR off, each call is one check of
 * a flag the JIT folds away.
 */
final class ActorEvents {

    void actorFailed(ActorCell<?> cell, Throwable failure, Supervision.Decision decision) {
        ActorFailed event = new ActorFailed();
        if (event.shouldCommit()) {
            event.actor = cell.path().toString();
            event.failure = failure.getClass().getName();
            event.message = failure.getMessage();
            event.decision = decision.name();
            event.commit();
        }
    }

    void actorRestarted(ActorCell<?> cell) {
        ActorRestarted event = new ActorRestarted();
        if (event.shouldCommit()) {
            event.actor = cell.path().toString();
            event.commit();
        }
    }

    @Name("dev.spindle.ActorFailed")
    @Label("Actor Failed")
    @Category("Spindle")
    @Description("An actor's behavior threw; its supervision decided what follows")
    static final class ActorFailed extends Event {
        @Label("Actor")
        String actor;
        @Label("Failure")
        String failure;
        @Label("Message")
        String message;
        @Label("Decision")
        String decision;
    }

    @Name("dev.spindle.ActorRestarted")
    @Label("Actor Restarted")
    @Category("Spindle")
    @Description("A supervised actor restarted from its initial behavior")
    static final class ActorRestarted extends Event {
        @Label("Actor")
        String actor;
    }
}
