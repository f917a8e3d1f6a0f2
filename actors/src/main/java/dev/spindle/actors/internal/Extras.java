package dev.spindle.actors.internal;

import dev.spindle.mailbox.DropReason;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Actor-thread only. The state an actor needs only once it uses it: children, death watch,
 * timers, the stash, supervision. Each part is made on first use, so an actor that never watches
 * pays nothing for watching.
 */
final class Extras<M> {

    /** Until when (a {@code nanoTime}; 0: no limit) no host may run the actor; see {@link ActorCell#strikeHosting}. */
    private volatile long notHostedUntil;
    /** Written only by threads whose hosted turn of the actor got stuck: rare, and a lost count is harmless. */
    private int hostingStrikes;

    boolean hostableNow() {
        long until = notHostedUntil;
        return until == 0 || System.nanoTime() - until >= 0;
    }

    void strikeHosting() {
        int strikes = Math.min(hostingStrikes + 1, 13);
        hostingStrikes = strikes;
        long until = System.nanoTime() + (TimeUnit.SECONDS.toNanos(1) << (strikes - 1));
        notHostedUntil = until == 0 ? 1 : until;
    }

    /** Living children by name; an anonymous child is its own key. */
    private Map<Object, ActorCell<?>> children;
    /** Actors to tell when this one stops. */
    private Set<ActorCell<?>> watchers;
    /** Actors this one watches: a Terminated for one of them becomes a signal once. */
    private Set<ActorCell<?>> watching;
    private Set<Timer> timers;
    /** Messages put aside by the context's stash, or while suspended in a backoff. */
    private ArrayDeque<Object> stash;
    /** Messages handed back by unstashAll, handled before the mailbox. */
    private ArrayDeque<Object> unstashed;
    private int nextAnonymousId;

    EventEmitterImpl events;
    Offloads offloads;
    Supervision<M> supervision;
    /** Why the actor is stopping, if it failed. */
    Throwable failure;

    // ---- children -------------------------------------------------------------------------------

    boolean hasChildren() {
        return children != null && !children.isEmpty();
    }

    boolean isNameTaken(String name) {
        return children != null && children.containsKey(name);
    }

    int nextAnonymousId() {
        return nextAnonymousId++;
    }

    void addChild(ActorCell<?> child) {
        if (children == null) {
            children = new HashMap<>(4);
        }
        children.put(child.childKey(), child);
    }

    void removeChild(ActorCell<?> child) {
        if (children != null) {
            children.remove(child.childKey(), child);
        }
    }

    boolean isChild(ActorCell<?> cell) {
        return children != null && children.get(cell.childKey()) == cell;
    }

    Collection<ActorCell<?>> children() {
        return children == null ? List.of() : List.copyOf(children.values());
    }

    void stopChildren() {
        if (children != null) {
            for (ActorCell<?> child : children.values()) {
                child.sendSystem(SystemMessage.Stop.INSTANCE);
            }
        }
    }

    /** A restart stops the children and forgets them at once: the new incarnation starts with none. */
    void stopChildrenForRestart() {
        stopChildren();
        if (children != null) {
            children.clear();
        }
    }

    // ---- death watch ----------------------------------------------------------------------------

    void addWatcher(ActorCell<?> watcher) {
        if (watchers == null) {
            watchers = new HashSet<>(4);
        }
        watchers.add(watcher);
    }

    void removeWatcher(ActorCell<?> watcher) {
        if (watchers != null) {
            watchers.remove(watcher);
        }
    }

    void notifyWatchers(ActorCell<?> self, Throwable failure) {
        if (watchers != null) {
            SystemMessage.Terminated terminated = new SystemMessage.Terminated(self, failure);
            for (ActorCell<?> watcher : watchers) {
                watcher.sendSystem(terminated);
            }
            watchers = null;
        }
    }

    /** {@return true if {@code other} was newly watched} */
    boolean startWatching(ActorCell<?> other) {
        if (watching == null) {
            watching = new HashSet<>(4);
        }
        return watching.add(other);
    }

    /** {@return true if {@code other} was watched; it no longer is} */
    boolean stopWatching(ActorCell<?> other) {
        return watching != null && watching.remove(other);
    }

    // ---- timers ---------------------------------------------------------------------------------

    void addTimer(Timer timer) {
        if (timers == null) {
            timers = new HashSet<>(4);
        }
        timers.add(timer);
    }

    void removeTimer(Timer timer) {
        if (timers != null) {
            timers.remove(timer);
        }
    }

    void cancelTimers() {
        if (timers != null) {
            for (Timer timer : new ArrayList<>(timers)) {
                timer.cancel();
            }
            timers = null;
        }
    }

    void cancelOffloads() {
        if (offloads != null) {
            offloads.cancelAll();
        }
    }

    // ---- stash ----------------------------------------------------------------------------------

    /** @return false if the stash is full */
    boolean stash(Object message, int capacity) {
        if (stash == null) {
            stash = new ArrayDeque<>();
        }
        if (stash.size() >= capacity) {
            return false;
        }
        stash.addLast(message);
        return true;
    }

    void stashWhileSuspended(Object message, int capacity, ActorCell<?> self) {
        if (!stash(message, capacity)) {
            self.onDropped(message, DropReason.OVERFLOW_NEWEST);
        }
    }

    /**
     * Hands the stash back. The two deques swap roles rather than the stash starting afresh: an
     * actor that stashes again what it unstashes (wait for a reply, stash the rest, unstash on the
     * reply) would otherwise grow a new deque from 16 slots on every unstash, which was most of
     * Savina's banking on Spindle (JFR: {@code ArrayDeque.grow} under {@code stash}).
     */
    void unstashAll() {
        if (stash == null || stash.isEmpty()) {
            return;
        }
        ArrayDeque<Object> spare = unstashed;
        if (spare != null && !spare.isEmpty()) {
            // Stashed again while unstashing: the newly stashed go first, then what was left.
            stash.addAll(spare);
            spare.clear();
        }
        unstashed = stash;
        stash = spare;
    }

    /**
     * Suspended mid-unstash: what was not handled yet goes back to the stash, after what was
     * stashed again meanwhile (received before it), as {@link #unstashAll} orders them.
     */
    void restash() {
        if (unstashed == null || unstashed.isEmpty()) {
            return;
        }
        if (stash != null && !stash.isEmpty()) {
            stash.addAll(unstashed);
            unstashed.clear();
        } else {
            ArrayDeque<Object> spare = stash;
            stash = unstashed;
            unstashed = spare;
        }
    }

    boolean hasUnstashed() {
        return unstashed != null && !unstashed.isEmpty();
    }

    Object pollUnstashed() {
        return unstashed == null ? null : unstashed.pollFirst();
    }

    /** The actor stopped: what it put aside becomes dead letters, oldest first. */
    void dropStash(ActorCell<?> self) {
        restash();
        if (stash != null) {
            for (Object message; (message = stash.pollFirst()) != null; ) {
                self.onDropped(message, DropReason.CLOSED);
            }
            stash = null;
        }
    }
}
