package dev.spindle.samples.chat;

import dev.spindle.actors.ActorContext;
import dev.spindle.actors.ActorRef;
import dev.spindle.actors.Behavior;
import dev.spindle.io.WriteQueueFullException;
import dev.spindle.io.http.HttpRequest;
import dev.spindle.io.http.ResponseWriter;
import dev.spindle.io.http.ResponseWriterEvent;
import dev.spindle.samples.chat.Protocol.Said;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * One chat room in one worker: its recent messages, in the order the primary gave them, and this
 * worker's members (Server-Sent Event streams and TCP sessions), each of which gets every message.
 * A member that stops reading is dropped when its queue passes a mark (256 KiB). The room's
 * state is its own: no locks.
 */
final class Room {

    /** What a room hears. */
    sealed interface Msg {
        /** A message in the room's order, from the primary. */
        record Deliver(Said said) implements Msg {
        }

        /** An SSE subscription ({@code Last-Event-ID}: the last message the client saw). */
        record Subscribe(HttpRequest request) implements Msg {
        }

        /** What happens to one of the streams. */
        record Stream(ResponseWriterEvent event) implements Msg {
        }

        /** A TCP session joins, or leaves. */
        record Join(ActorRef<? super Said> member) implements Msg {
        }

        record Leave(ActorRef<? super Said> member) implements Msg {
        }

        /** {@code GET /api/rooms/:room/report}: who said most, and a slow digest of the transcript. */
        record ReportAsked(HttpRequest request) implements Msg {
        }

        record Reported(HttpRequest request, String json) implements Msg {
        }

        record ReportFailed(HttpRequest request, Throwable cause) implements Msg {
        }

        /**
         * The primary's snapshot has been delivered: the room knows its recent messages, and takes
         * subscriptions (held until now, so a reconnecting client gets what it missed, once).
         */
        record Ready() implements Msg {
        }

        /** Once a second: tell the stats actor how the room is doing; now and then a keep-alive comment. */
        record Tick() implements Msg {
        }
    }

    /** How one room is doing, for {@code /api/stats}. */
    record Stats(String room, int streams, int sessions, long delivered, long dropped) {
    }

    /** Bytes queued for one stream past which its client counts as not reading, and is dropped. */
    static final long DROP_MARK = 256 * 1024;

    /** Messages a new subscriber without {@code Last-Event-ID} gets first. */
    static final int BACKLOG = 20;
    /** PBKDF2 rounds of the report's digest: tens of milliseconds of CPU, done on a worker. */
    static final int DIGEST_ROUNDS = 200_000;

    private Room() {
    }

    static Behavior<Msg> create(String name, int worker, ActorRef<? super Stats> stats) {
        return Behavior.setup(ctx -> {
            ctx.setInterval(Duration.ofSeconds(1), new Msg.Tick());
            return new Behavior<>() {
                private final Deque<Said> recent = new ArrayDeque<>();
                private final Set<ResponseWriter> streams = new LinkedHashSet<>();
                private final List<ActorRef<? super Said>> sessions = new ArrayList<>();
                private long lastSeq;
                private boolean ready;
                private long delivered;
                private long dropped;
                private int ticks;

                @Override
                public Behavior<Msg> receive(ActorContext<Msg> c, Msg msg) {
                    switch (msg) {
                        case Msg.Deliver(Said said) -> deliver(said);
                        case Msg.Subscribe subscribe when !ready -> c.stash();
                        case Msg.Subscribe(HttpRequest request) -> subscribe(c, request);
                        case Msg.Ready() -> {
                            ready = true;
                            c.unstashAll();
                        }
                        case Msg.Stream(ResponseWriterEvent.Closed closed) -> streams.remove(closed.writer());
                        case Msg.Stream(ResponseWriterEvent.Drained drained) -> {
                            // never waited for: a stream past the mark is dropped
                        }
                        case Msg.Join(var member) -> sessions.add(member);
                        case Msg.Leave(var member) -> sessions.remove(member);
                        case Msg.ReportAsked(HttpRequest request) -> {
                            List<Said> transcript = List.copyOf(recent);
                            c.offload(() -> report(name, transcript), json -> new Msg.Reported(request, json),
                                    failure -> new Msg.ReportFailed(request, failure));
                        }
                        case Msg.Reported(HttpRequest request, String json) -> request.respond(200, "application/json", json);
                        case Msg.ReportFailed(HttpRequest request, Throwable cause) ->
                                request.respond(500, "application/json", "{\"error\":" + Json.quote(String.valueOf(cause)) + "}");
                        case Msg.Tick() -> {
                            if (++ticks % 15 == 0) {
                                writeAll(": keep-alive\n\n");
                            }
                            stats.tell(new Stats(name, streams.size(), sessions.size(), delivered, dropped));
                        }
                    }
                    return Behavior.same();
                }

                private void deliver(Said said) {
                    if (said.seq() <= lastSeq) {
                        return; // seen already (the snapshot of a worker that came back overlaps)
                    }
                    lastSeq = said.seq();
                    recent.addLast(said);
                    if (recent.size() > SpindleChat.HISTORY) {
                        recent.removeFirst();
                    }
                    writeAll(event(said));
                    for (ActorRef<? super Said> session : sessions) {
                        session.tell(said);
                    }
                    delivered++;
                }

                /**
                 * Writes to every stream. Past the connection's high-water mark a stream keeps
                 * queuing (a reader a burst behind catches up); one whose queue passes
                 * {@link #DROP_MARK} is not reading: dropped, not buffered for.
                 */
                private void writeAll(String text) {
                    for (Iterator<ResponseWriter> each = streams.iterator(); each.hasNext(); ) {
                        ResponseWriter stream = each.next();
                        boolean slow;
                        try {
                            slow = !stream.write(text) && stream.queuedBytes() > DROP_MARK;
                        } catch (WriteQueueFullException e) {
                            slow = true;
                        }
                        if (slow) {
                            stream.abort(); // its Closed comes later, as a message
                            each.remove();
                            dropped++;
                        }
                    }
                }

                private void subscribe(ActorContext<Msg> c, HttpRequest request) {
                    ResponseWriter stream = request.response().header("Content-Type", "text/event-stream")
                            .header("Cache-Control", "no-cache").stream(c.self(), Msg.Stream::new);
                    StringBuilder first = new StringBuilder("retry: 1000\nevent: hello\ndata: {\"room\":")
                            .append(Json.quote(name)).append(",\"worker\":").append(worker).append(",\"pid\":")
                            .append(ProcessHandle.current().pid()).append("}\n\n");
                    long after = lastEventId(request);
                    int skip = after >= 0 ? 0 : Math.max(0, recent.size() - BACKLOG);
                    for (Said said : recent) {
                        if (skip > 0) {
                            skip--;
                        } else if (said.seq() > after) {
                            first.append(event(said));
                        }
                    }
                    stream.write(first.toString()); // at most the room's history: below the drop mark
                    streams.add(stream);
                }
            };
        });
    }

    /** {@return the seq of the last message the client saw, or -1: none said} */
    static long lastEventId(HttpRequest request) {
        String id = request.header("Last-Event-ID");
        if (id == null && request.query() != null) {
            for (String pair : request.query().split("&")) {
                if (pair.startsWith("after=")) {
                    id = pair.substring("after=".length());
                }
            }
        }
        try {
            return id == null ? -1 : Long.parseLong(id.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String event(Said said) {
        return "id: " + said.seq() + "\nevent: message\ndata: " + said.json() + "\n\n";
    }

    /** CPU work, on a virtual-thread worker: who said most, and a deliberately slow digest. */
    static String report(String room, List<Said> transcript) throws GeneralSecurityException {
        long start = System.nanoTime();
        Map<String, Integer> counts = new HashMap<>();
        StringBuilder text = new StringBuilder();
        for (Said said : transcript) {
            counts.merge(said.user(), 1, Integer::sum);
            text.append(said.user()).append(": ").append(said.text()).append('\n');
        }
        byte[] digest = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(new PBEKeySpec(
                text.toString().toCharArray(), room.getBytes(StandardCharsets.UTF_8), DIGEST_ROUNDS, 256)).getEncoded();
        StringJoiner top = new StringJoiner(",", "[", "]");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(5)
                .forEach(e -> top.add("{\"user\":" + Json.quote(e.getKey()) + ",\"messages\":" + e.getValue() + "}"));
        return "{\"room\":" + Json.quote(room) + ",\"messages\":" + transcript.size() + ",\"top\":" + top
                + ",\"digest\":\"" + HexFormat.of().formatHex(digest) + "\",\"millis\":"
                + (System.nanoTime() - start) / 1_000_000 + ",\"thread\":" + Json.quote(Thread.currentThread().toString()) + "}";
    }
}
