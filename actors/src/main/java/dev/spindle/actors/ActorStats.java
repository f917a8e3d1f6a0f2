package dev.spindle.actors;

/**
 * Immutable. A snapshot of one actor, for monitoring: read from another thread while the actor
 * runs, so each figure may lag by the messages in flight.
 *
 * @param path         the actor's path
 * @param mailboxDepth how many user messages wait in its mailbox
 * @param processed    how many user messages its behavior has handled
 * @param stopped      whether it has stopped
 */
public record ActorStats(ActorPath path, int mailboxDepth, long processed, boolean stopped) {
}
