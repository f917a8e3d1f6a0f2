package dev.spindle.actors.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Thread-safe. Loggers for actors, named after their behavior's class; the path goes in the MDC. */
final class ActorLogger {

    /** The MDC key that holds the path of the actor whose turn is running. */
    static final String MDC_KEY = "actor";

    private ActorLogger() {
    }

    static Logger of(ActorCell<?> cell) {
        String name = cell.behaviorClassName();
        int lambda = name.indexOf("$$");
        return LoggerFactory.getLogger(lambda > 0 ? name.substring(0, lambda) : name);
    }

    static void enter(ActorCell<?> cell) {
        MDC.put(MDC_KEY, cell.path().toString());
    }

    static void exit() {
        MDC.remove(MDC_KEY);
    }
}
