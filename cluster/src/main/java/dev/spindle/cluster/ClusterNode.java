package dev.spindle.cluster;

import dev.spindle.actors.ActorRef;

/**
 * Thread-safe. What the primary and each worker share: actors one process exposes by name, and
 * refs to the actors other processes expose. A {@link #remote} ref is an ordinary
 * {@link ActorRef}: {@code tell} sends the message (with its codec) to the other process, where
 * the exposed actor gets it; from one sending thread, messages arrive in the order sent (worker
 * to worker through the primary). A message for a process that has gone, or for a name nobody
 * exposes there, becomes a dead letter of the system that finds out; {@code ask} works across
 * processes like locally (its reply-to ref is a remote ref back: write it in your codec with
 * {@link ClusterRefs#write}, read it with {@link ClusterRefs#read}).
 */
public interface ClusterNode {

    /** The primary's process id. */
    int PRIMARY = 0;

    /** {@return this process: {@link #PRIMARY}, or its worker id} */
    int processId();

    /** Makes {@code actor} reachable from the other processes as {@code name} (replacing what had that name). */
    <M> void expose(String name, ActorRef<M> actor);

    /** Stops exposing {@code name}: later messages for it are dead letters. */
    void unexpose(String name);

    /**
     * {@return a ref to the actor exposed as {@code name} in process {@code processId}} It is not
     * checked now: a tell to a name nobody exposes becomes a dead letter there.
     */
    <M> ActorRef<M> remote(int processId, String name);
}
