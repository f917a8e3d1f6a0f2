package dev.spindle.samples.chat;

import dev.spindle.io.http.HttpRequest;
import dev.spindle.json.JsonCodec;
import tools.jackson.databind.JsonNode;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Stateless. The JSON the chat speaks with the page, the API's clients and its stream readers:
 * one codec, and a record per document (Jackson writes a record's components in their declared
 * order, which is the order of the wire format the page and the tests know).
 */
final class ChatJson {

    /** Spindle's defaults: bounded input, duplicate members and trailing bytes refused, 415 for a body not sent as JSON. */
    static final JsonCodec JSON = JsonCodec.create();

    private ChatJson() {
    }

    /** Answers {@code request} with {@code {"error": message}}. */
    static void error(HttpRequest request, int status, String message) {
        JSON.respond(request, status, new ErrorMessage(message));
    }

    /** {@code POST /api/rooms/:room/messages}. */
    record NewMessage(String user, String text) {
    }

    /** The answer to a post. */
    record Accepted(boolean accepted, int worker) {
    }

    /** {@code GET /api/rooms}. */
    record Rooms(Collection<String> rooms, int worker) {
    }

    record ErrorMessage(String error) {
    }

    /** The first event of a stream: who serves it. */
    record Hello(String room, int worker, long pid) {
    }

    /** Messages {@code from} to {@code to} are no longer kept. */
    record Gap(long from, long to, long missed) {
    }

    /** The last event of a stream that was not read. */
    record Dropped(String reason, long last) {
    }

    /** {@code GET /api/rooms/:room/report}: who said most, and a slow digest. */
    record RoomReport(String room, int messages, List<Top> top, String digest, long millis, String thread) {
    }

    record Top(String user, int messages) {
    }

    /** {@code GET /api/slow}. */
    record SlowAnswer(String answer, String thread) {
    }

    /** What a worker reports to the primary every second. */
    record WorkerReport(long pid, int httpConnections, int sseStreams, int tcpSessions, long posted,
            long deliveredPerRoomMax, long droppedSlowClients, long deadLetters, Map<String, Integer> mailboxes) {
    }

    /** {@code GET /api/stats}: every worker, and each room's last message. */
    record ClusterStats(List<WorkerStats> workers, Map<String, Long> rooms) {
    }

    /** One worker: {@code pid} null while it has none; {@code report} its last, or null. */
    record WorkerStats(int worker, Long pid, boolean online, int restarts, JsonNode report) {
    }
}
