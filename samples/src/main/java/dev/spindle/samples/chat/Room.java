package dev.spindle.samples.chat;

import dev.spindle.actors.ActorContext;
import dev.spindle.actors.ActorRef;
import dev.spindle.actors.Behavior;
import dev.spindle.io.TcpConnection;
import dev.spindle.io.http.HttpRequest;
import dev.spindle.io.http.ResponseWriter;
import dev.spindle.io.http.ResponseWriterEvent;
import dev.spindle.samples.chat.Protocol.Said;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One chat room in one worker: its recent messages ({@link History}), in the order the primary
 * gave them, and this worker's members (Server-Sent Event streams and TCP sessions), each of which
 * gets every message.
 *
 * <p>Each member is a {@link Reader} that knows the last message it was given, and its
 * {@link Outlet}. It is written to while its queue is under {@link #PACE_MARK}; past it, the room
 * stops writing to it and resumes from the history when the queue drains (a drained event, or a
 * later message or tick that finds it under the mark). So a member a burst behind catches up at
 * its own pace, and one that fell out of the history is told what it missed (a gap notice), never
 * skipped silently. A member that takes none of its waiting bytes for
 * {@link ChatConfig#stallLimit()} is not reading: it is told, ended, aborted if it still takes
 * nothing, and counted. The room's state is its own: no locks.
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

        /** A TCP session joins (from the next message on), or leaves. */
        record Join(TcpConnection member) implements Msg {
        }

        record Leave(TcpConnection member) implements Msg {
        }

        /** A TCP session's queue has drained ({@link dev.spindle.io.TcpEvent.WritesDrained}, which its session actor gets). */
        record Writable(TcpConnection member) implements Msg {
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

        /** Once a second: look for stalled streams, tell the stats actor how the room is doing; now and then a keep-alive. */
        record Tick() implements Msg {
        }
    }

    /** How one room is doing, for {@code /api/stats}. */
    record Stats(String room, int streams, int sessions, long delivered, long dropped) {
    }

    /**
     * Bytes queued for one member past which nothing more is written to it until it drains: what a
     * reader may be sent ahead of what it has taken.
     */
    static final long PACE_MARK = 256 * 1024;

    /** Messages a new subscriber without {@code Last-Event-ID} gets first. */
    static final int BACKLOG = 20;
    /** PBKDF2 rounds of the report's digest: tens of milliseconds of CPU, done on a worker. */
    static final int DIGEST_ROUNDS = 200_000;

    private Room() {
    }

    /** One member and how far it has got. Actor-thread only (its room's). */
    private static final class Reader {
        final Outlet outlet;
        /** The last message written to it, or passed over with a gap notice. */
        long sent;
        /** Bytes written to it, and how many of them had gone to the connection at the last tick. */
        long written;
        long taken;
        /** Since when bytes have waited for it and none were taken (System.nanoTime), or 0. */
        long stuckSince;

        Reader(Outlet outlet, long sent) {
            this.outlet = outlet;
            this.sent = sent;
        }
    }

    static Behavior<Msg> create(String name, int worker, ChatConfig config, ActorRef<? super Stats> stats) {
        return Behavior.setup(ctx -> {
            ctx.setInterval(Duration.ofSeconds(1), new Msg.Tick());
            return new Behavior<>() {
                private final History history = new History(config.history());
                private final Map<Outlet, Reader> readers = new LinkedHashMap<>();
                /** Dropped members, told and ended, with when: aborted if they still take nothing. */
                private final Map<Outlet, Long> leaving = new HashMap<>();
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
                        case Msg.Stream(ResponseWriterEvent.Closed closed) -> remove(new Outlet.Sse(closed.writer()));
                        case Msg.Stream(ResponseWriterEvent.Drained drained) -> drained(new Outlet.Sse(drained.writer()));
                        case Msg.Join(TcpConnection member) -> {
                            Outlet.Tcp outlet = new Outlet.Tcp(member, name);
                            readers.put(outlet, new Reader(outlet, history.last()));
                        }
                        case Msg.Leave(TcpConnection member) -> remove(new Outlet.Tcp(member, name));
                        case Msg.Writable(TcpConnection member) -> drained(new Outlet.Tcp(member, name));
                        case Msg.ReportAsked(HttpRequest request) -> {
                            List<Said> transcript = history.toList();
                            c.offload(() -> report(name, transcript), json -> new Msg.Reported(request, json),
                                    failure -> new Msg.ReportFailed(request, failure));
                        }
                        case Msg.Reported(HttpRequest request, String json) -> request.respond(200, "application/json", json);
                        case Msg.ReportFailed(HttpRequest request, Throwable cause) ->
                                ChatJson.error(request, 500, String.valueOf(cause));
                        case Msg.Tick() -> {
                            tick(++ticks % 15 == 0);
                            int streams = (int) readers.keySet().stream().filter(Outlet.Sse.class::isInstance).count();
                            stats.tell(new Stats(name, streams, readers.size() - streams, delivered, dropped));
                        }
                    }
                    return Behavior.same();
                }

                private void deliver(Said said) {
                    if (!history.add(said)) {
                        return; // seen already (the snapshot of a worker that came back overlaps)
                    }
                    for (Reader reader : readers.values()) {
                        catchUp(reader);
                    }
                    delivered++;
                }

                private void drained(Outlet outlet) {
                    Reader reader = readers.get(outlet);
                    if (reader != null) {
                        catchUp(reader);
                    }
                }

                private void remove(Outlet outlet) {
                    readers.remove(outlet);
                    leaving.remove(outlet);
                }

                /**
                 * Writes to {@code reader} what it has not had, oldest first, while its queue is
                 * under the mark: first a gap notice if the next message it needs has left the
                 * history.
                 */
                private void catchUp(Reader reader) {
                    while (reader.sent < history.last() && reader.outlet.queuedBytes() < PACE_MARK) {
                        if (reader.sent + 1 < history.first()) {
                            write(reader, reader.outlet.gap(reader.sent + 1, history.first() - 1));
                            reader.sent = history.first() - 1;
                        } else {
                            write(reader, reader.outlet.message(history.get(reader.sent + 1)));
                            reader.sent++;
                        }
                    }
                }

                private void write(Reader reader, String text) {
                    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                    reader.outlet.write(bytes);
                    reader.written += bytes.length;
                }

                /**
                 * Once a second: a member with bytes waiting that took none of them since the last
                 * tick is stuck; stuck for the stall limit, it is dropped. One dropped a stall
                 * limit ago that has not taken its notice is aborted.
                 */
                private void tick(boolean keepAlive) {
                    long now = System.nanoTime();
                    for (Iterator<Reader> each = readers.values().iterator(); each.hasNext(); ) {
                        Reader reader = each.next();
                        catchUp(reader);
                        long queued = reader.outlet.queuedBytes();
                        long taken = reader.written - queued;
                        if (taken > reader.taken || queued == 0) {
                            reader.stuckSince = 0;
                        } else if (reader.stuckSince == 0) {
                            reader.stuckSince = now;
                        } else if (now - reader.stuckSince >= config.stallLimit().toNanos()) {
                            drop(reader, now);
                            each.remove();
                            continue;
                        }
                        reader.taken = taken;
                        if (keepAlive && queued == 0 && reader.outlet instanceof Outlet.Sse) {
                            write(reader, ": keep-alive\n\n");
                        }
                    }
                    leaving.entrySet().removeIf(left -> {
                        boolean late = now - left.getValue() >= config.stallLimit().toNanos();
                        if (late) {
                            left.getKey().abort(); // its Closed (or the session's Leave) comes later, as a message
                        }
                        return late;
                    });
                }

                private void drop(Reader reader, long now) {
                    write(reader, reader.outlet.dropped("took nothing for " + config.stallLimit().toSeconds() + " s", reader.sent));
                    reader.outlet.end();
                    leaving.put(reader.outlet, now);
                    dropped++;
                }

                private void subscribe(ActorContext<Msg> c, HttpRequest request) {
                    ResponseWriter stream = request.response().header("Content-Type", "text/event-stream")
                            .header("Cache-Control", "no-cache").stream(c.self(), Msg.Stream::new);
                    long after = lastEventId(request);
                    // Without Last-Event-ID: the latest few. From a room's earlier life (the
                    // primary restarted, numbering from 1 again): what the room has.
                    long sent = after < 0 ? Math.max(history.first() - 1, history.last() - BACKLOG)
                            : Math.min(after, history.last());
                    Reader reader = new Reader(new Outlet.Sse(stream), sent);
                    write(reader, "retry: 1000\nevent: hello\ndata: "
                            + ChatJson.JSON.writeString(new ChatJson.Hello(name, worker, ProcessHandle.current().pid())) + "\n\n");
                    readers.put(reader.outlet, reader);
                    catchUp(reader);
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
        List<ChatJson.Top> top = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(5)
                .map(e -> new ChatJson.Top(e.getKey(), e.getValue()))
                .toList();
        return ChatJson.JSON.writeString(new ChatJson.RoomReport(room, transcript.size(), top, HexFormat.of().formatHex(digest),
                (System.nanoTime() - start) / 1_000_000, Thread.currentThread().toString()));
    }
}
