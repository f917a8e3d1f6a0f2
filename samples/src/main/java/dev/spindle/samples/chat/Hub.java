package dev.spindle.samples.chat;

import dev.spindle.actors.ActorContext;
import dev.spindle.actors.Behavior;
import dev.spindle.cluster.ClusterEvent;
import dev.spindle.cluster.ClusterPrimary;
import dev.spindle.cluster.Worker;
import dev.spindle.json.JsonBody;
import dev.spindle.json.JsonProblem;
import dev.spindle.samples.chat.Protocol.Post;
import dev.spindle.samples.chat.Protocol.Report;
import dev.spindle.samples.chat.Protocol.Said;
import dev.spindle.samples.chat.Protocol.Snapshot;
import dev.spindle.samples.chat.Protocol.StatsAnswer;
import dev.spindle.samples.chat.Protocol.StatsAsked;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The primary's one actor: it gives every room its order (a message gets the room's next number
 * here, then goes to every worker, which hands it to its own subscribers), keeps each room's recent
 * messages for workers that come online (a restarted one included), and gathers the workers'
 * reports for {@code /api/stats}. One actor, so no locks: the order it hands out is the order.
 */
final class Hub implements Behavior<ClusterEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

    private final CompletableFuture<ClusterPrimary> primary;
    private final Map<String, History> recent = new LinkedHashMap<>();
    private final Map<Integer, JsonNode> reports = new HashMap<>();
    /**
     * The process (pid) of each worker that has its snapshot. A restarted worker's link is up
     * before its Online reaches this actor: messages go only to a process that got its snapshot
     * first, so none can overtake it (its rooms would take the snapshot for old news).
     */
    private final Map<Integer, Long> snapshotted = new HashMap<>();

    Hub(CompletableFuture<ClusterPrimary> primary, ChatConfig config) {
        this.primary = primary;
        for (String room : SpindleChat.ROOMS) {
            recent.put(room, new History(config.history()));
        }
    }

    @Override
    public Behavior<ClusterEvent> receive(ActorContext<ClusterEvent> ctx, ClusterEvent event) {
        switch (event) {
            case ClusterEvent.Forked(Worker w, long pid) -> LOG.info("worker {} forked (pid {})", w.id(), pid);
            case ClusterEvent.Online(Worker w) -> {
                List<Said> all = new ArrayList<>();
                recent.values().forEach(history -> all.addAll(history.toList()));
                // Before any later message (one link keeps its order), in parts that each fit in
                // a frame of the link, the last one saying so.
                int from = 0;
                do {
                    int to = Math.min(all.size(), from + Snapshot.PART);
                    w.send(new Snapshot(List.copyOf(all.subList(from, to)), to == all.size()));
                    from = to;
                } while (from < all.size());
                snapshotted.put(w.id(), w.pid().orElse(-1));
                LOG.info("worker {} online; sent it {} recent messages", w.id(), all.size());
            }
            case ClusterEvent.Listening(Worker w, var address) -> LOG.info("worker {} listening on {}", w.id(), address);
            case ClusterEvent.Message(Worker w, Post post) -> {
                History history = recent.get(post.room());
                if (history == null) {
                    LOG.warn("worker {} posted to an unknown room {}", w.id(), post.room());
                    return Behavior.same();
                }
                Said said = new Said(post.room(), history.last() + 1, post.user(), post.text(), System.currentTimeMillis(),
                        post.worker());
                history.add(said);
                for (Worker each : primary.join().workers()) {
                    if (each.pid().isPresent() && snapshotted.getOrDefault(each.id(), -1L) == each.pid().getAsLong()) {
                        each.send(said); // a worker that is down, or not yet online, gets it in its snapshot
                    }
                }
            }
            case ClusterEvent.Message(Worker w, Report report) -> {
                switch (ChatJson.JSON.read(report.json().getBytes(StandardCharsets.UTF_8), JsonNode.class)) {
                    case JsonBody.Valid(JsonNode json) -> reports.put(report.worker(), json);
                    case JsonBody.Invalid(JsonProblem problem) -> LOG.warn("worker {} reported {}", w.id(), problem.error());
                }
            }
            case ClusterEvent.Message(Worker w, StatsAsked asked) -> w.send(new StatsAnswer(asked.id(), stats()));
            case ClusterEvent.Message(Worker w, Object other) -> LOG.warn("worker {} sent {}", w.id(), other);
            case ClusterEvent.Disconnected(Worker w) -> LOG.info("worker {} disconnected", w.id());
            case ClusterEvent.Exited(Worker w, long pid, int code, String signal, boolean restarting) -> LOG.info(
                    "worker {} (pid {}) exited ({}){}", w.id(), pid, signal != null ? signal : "code " + code,
                    restarting ? ", restarting it" : "");
            case ClusterEvent.GaveUp(Worker w, int crashes) -> LOG.warn("worker {} crashed {} times: given up", w.id(), crashes);
            case ClusterEvent.Overflow(Worker w) -> LOG.warn("worker {} is behind: messages to it dropped", w.id());
            case ClusterEvent.AllGaveUp(var retryAfter) -> LOG.error("every worker was given up");
            case ClusterEvent.Unresponsive(Worker w, long pid, var silence, boolean killed) -> LOG.warn("worker {} unresponsive", w.id());
        }
        return Behavior.same();
    }

    /** {@return every worker: pid, whether it is up, restarts, and its last report} */
    private String stats() {
        List<ChatJson.WorkerStats> workers = new ArrayList<>();
        for (Worker w : primary.join().workers()) {
            workers.add(new ChatJson.WorkerStats(w.id(), w.pid().isPresent() ? w.pid().getAsLong() : null, w.isConnected(),
                    Math.max(0, w.incarnation() - 1), reports.get(w.id())));
        }
        Map<String, Long> rooms = new LinkedHashMap<>();
        recent.forEach((room, history) -> rooms.put(room, history.last()));
        return ChatJson.JSON.writeString(new ChatJson.ClusterStats(workers, rooms));
    }
}
