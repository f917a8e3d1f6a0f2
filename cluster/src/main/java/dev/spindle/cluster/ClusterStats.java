package dev.spindle.cluster;

/**
 * Immutable. The primary's view of its workers, for monitoring: a snapshot from
 * {@link ClusterPrimary#stats()}, each figure read on its own.
 *
 * @param workers      worker slots ({@link ClusterConfig#workers()})
 * @param workersUp    slots whose current process is connected
 * @param restarts     processes started again after a crash, since the primary started
 * @param givenUp      slots given up on now (crash loops; {@link ClusterEvent.GaveUp}) and not tried again yet
 * @param unresponsive times a worker process was found silent ({@link ClusterEvent.Unresponsive})
 * @param ipc          the primary's IPC traffic with all its workers
 */
public record ClusterStats(int workers, int workersUp, long restarts, int givenUp, long unresponsive, IpcStats ipc) {
}
