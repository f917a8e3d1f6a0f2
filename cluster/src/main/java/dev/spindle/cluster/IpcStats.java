package dev.spindle.cluster;

/**
 * Immutable. What one process has sent and received over its IPC links (the shared-memory rings)
 * since it started, heartbeats included: a snapshot, each count read on its own.
 *
 * @param framesSent     frames written into the other processes' rings
 * @param bytesSent      their bodies' bytes
 * @param framesReceived frames read from this process's rings
 * @param bytesReceived  their bodies' bytes
 * @param undelivered    messages that could not be handed to a connected peer (its ring full, or it gone)
 */
public record IpcStats(long framesSent, long bytesSent, long framesReceived, long bytesReceived, long undelivered) {
}
