package dev.spindle.actors.internal;

import dev.spindle.actors.EventEmitter;
import dev.spindle.actors.EventKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

/**
 * Actor-thread only. An emitter's possible-leak warning, Node's {@code MaxListenersExceededWarning}:
 * logged when an event gets more listeners than the limit, then not again for that event until it
 * is down to one listener (Node keeps the flag on the listener array, which goes at that point).
 */
final class LeakWarning {

    private static final Logger LOG = LoggerFactory.getLogger(EventEmitter.class);

    private final String owner;
    private int maxListeners = 10;
    private Set<EventKey<?>> warned;

    LeakWarning(String owner) {
        this.owner = owner;
    }

    int maxListeners() {
        return maxListeners;
    }

    void setMaxListeners(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0: " + max);
        }
        maxListeners = max;
    }

    void added(EventKey<?> event, int count) {
        if (maxListeners == 0 || count <= maxListeners) {
            return;
        }
        if (warned == null) {
            warned = new HashSet<>();
        }
        if (warned.add(event)) {
            LOG.warn("possible EventEmitter memory leak detected: {} {} listeners added to {}; maxListeners is {}; "
                    + "use setMaxListeners() to raise the limit", count, event, owner, maxListeners);
        }
    }

    void removed(EventKey<?> event, int count) {
        if (warned != null && count <= 1) {
            warned.remove(event);
        }
    }

    void clear() {
        warned = null;
    }
}
