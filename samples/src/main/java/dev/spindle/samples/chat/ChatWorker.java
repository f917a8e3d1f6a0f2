package dev.spindle.samples.chat;

import dev.spindle.actors.ActorContext;
import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.cluster.Balancing;
import dev.spindle.cluster.Cluster;
import dev.spindle.cluster.ClusterWorker;
import dev.spindle.cluster.WorkerEvent;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import dev.spindle.io.TcpConnection;
import dev.spindle.io.TcpEvent;
import dev.spindle.io.TcpListener;
import dev.spindle.io.TcpOptions;
import dev.spindle.io.http.HttpMethod;
import dev.spindle.io.http.HttpRequest;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.samples.HttpsFromProperties;
import dev.spindle.io.http.Router;
import dev.spindle.json.JsonBody;
import dev.spindle.json.JsonProblem;
import dev.spindle.samples.chat.Protocol.Post;
import dev.spindle.samples.chat.Protocol.Report;
import dev.spindle.samples.chat.Protocol.Said;
import dev.spindle.samples.chat.Protocol.Snapshot;
import dev.spindle.samples.chat.Protocol.StatsAnswer;
import dev.spindle.samples.chat.Protocol.StatsAsked;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A chat worker: HTTP (the page, the JSON API, Server-Sent Events) on the cluster's round-robin
 * port, the TCP chat on a second port shared with {@code SO_REUSEPORT}, a room actor per room, and
 * the actors that talk to the primary.
 */
final class ChatWorker {

    /** The longest message, in characters; longer is refused with 413. */
    static final int MAX_TEXT = 500;
    static final int MAX_USER = 40;
    /** TCP door sessions a worker holds at most; one more is reset and counted (TcpListener.stats().refused). */
    static final int DOOR_SESSIONS = 1_000;

    private ChatWorker() {
    }

    /** Runs until the primary disconnects this worker or goes away. */
    static void run(ActorSystem system, ChatConfig config, int httpPort, int tcpPort) throws Exception {
        int id = Cluster.workerId();
        CompletableFuture<ClusterWorker> self = new CompletableFuture<>();
        CompletableFuture<HttpServer> http = new CompletableFuture<>();
        CompletableFuture<TcpListener> tcp = new CompletableFuture<>();
        try (Io io = Io.create(IoConfig.defaults().withLoops(1))) {
            Observability observability = new Observability(system, io, id);
            ActorRef<Object> stats = system.spawn(stats(id, self, http, system), "stats");
            Map<String, ActorRef<Room.Msg>> rooms = new LinkedHashMap<>();
            for (String room : SpindleChat.ROOMS) {
                rooms.put(room, system.spawn(Room.create(room, id, config, stats), "room-" + room));
                stats.tell(new Watch("room-" + room, rooms.get(room)));
            }
            ActorRef<WorkerEvent> inbox = system.spawn((ctx, event) -> {
                switch (event) {
                    case WorkerEvent.Message(Said said) -> rooms.get(said.room()).tell(new Room.Msg.Deliver(said));
                    case WorkerEvent.Message(Snapshot snapshot) -> {
                        snapshot.recent().forEach(said -> rooms.get(said.room()).tell(new Room.Msg.Deliver(said)));
                        if (snapshot.complete()) {
                            rooms.values().forEach(room -> room.tell(new Room.Msg.Ready()));
                        }
                    }
                    case WorkerEvent.Message(StatsAnswer answer) -> stats.tell(answer);
                    case WorkerEvent.Message(Object other) -> ctx.log().warn("the primary sent {}", other);
                    case WorkerEvent.Disconnect() -> {
                        // stop taking connections, answer what was asked, then leave
                        observability.draining();
                        tcp.join().close();
                        http.join().shutdown(Duration.ofSeconds(5)).thenRun(() -> self.join().close());
                    }
                    case WorkerEvent.PrimaryGone(var cause) -> self.join().close();
                }
                return Behavior.same();
            }, "inbox");
            stats.tell(new Watch("inbox", inbox));
            ClusterWorker worker = Cluster.joinAsWorker(system, SpindleChat.config(), inbox);
            self.complete(worker);

            ActorRef<HttpRequest> api = system.spawn(api(worker, rooms, stats), "api");
            stats.tell(new Watch("api", api));
            ActorRef<Object> slow = system.spawn(slowService(), "slow");
            Router router = observability.routes(Router.builder(), system)
                    .get("/", api)
                    .get("/api/rooms", api)
                    .post("/api/rooms/:room/messages", api)
                    .get("/api/rooms/:room/events", api)
                    .get("/api/rooms/:room/report", api)
                    .route(HttpMethod.GET, "/api/stats", stats, request -> request)
                    .route(HttpMethod.GET, "/api/slow", slow, request -> request)
                    .build();
            http.complete(worker.serve(io, new InetSocketAddress(httpPort),
                    HttpsFromProperties.apply(HttpServerOptions.defaults().withMaxBodySize(16 * 1024)), router));
            observability.bind(http.join(), worker);
            // One round-robin address per worker: the TCP port is shared by the kernel. The door
            // holds at most 1,000 sessions per worker, so that together with the HTTP server's
            // 10,000 it stays well inside the process's open-file limit (a flood of the door must
            // not starve the page).
            tcp.complete(worker.listen(io, new InetSocketAddress(tcpPort),
                    TcpOptions.defaults().withMaxConnections(DOOR_SESSIONS),
                    system.spawn(tcpListener(worker, rooms, stats), "tcp"), Balancing.REUSE_PORT));
            observability.bindDoor(tcp.join());
            worker.whenClosed().toCompletableFuture().join();
        }
    }

    /** The page and the JSON API. */
    static Behavior<HttpRequest> api(ClusterWorker worker, Map<String, ActorRef<Room.Msg>> rooms, ActorRef<Object> stats) {
        byte[] page = resource("index.html");
        return (ctx, request) -> {
            String path = request.path();
            if (path.equals("/")) {
                request.response().status(200).header("Content-Type", "text/html; charset=utf-8").send(page);
                return Behavior.same();
            }
            if (path.equals("/api/rooms")) {
                ChatJson.JSON.respond(request, 200, new ChatJson.Rooms(rooms.keySet(), worker.id()));
                return Behavior.same();
            }
            String name = request.pathParam("room");
            ActorRef<Room.Msg> room = rooms.get(name);
            if (room == null) {
                error(request, 404, "no room " + name + "; rooms: " + rooms.keySet());
            } else if (path.endsWith("/events")) {
                room.tell(new Room.Msg.Subscribe(request));
            } else if (path.endsWith("/report")) {
                room.tell(new Room.Msg.ReportAsked(request));
            } else {
                post(worker, request, name, stats);
            }
            return Behavior.same();
        };
    }

    private static void post(ClusterWorker worker, HttpRequest request, String room, ActorRef<Object> stats) {
        switch (ChatJson.JSON.read(request, ChatJson.NewMessage.class)) {
            case JsonBody.Invalid(JsonProblem problem) -> problem.respond(request); // 400 where and what; 415 not sent as JSON
            case JsonBody.Valid(ChatJson.NewMessage(String user, String text)) when blank(user) || blank(text) ->
                    error(request, 400, "send {\"user\": \"...\", \"text\": \"...\"}, both not empty");
            case JsonBody.Valid(ChatJson.NewMessage(String user, String text))
                    when text.length() > MAX_TEXT || user.length() > MAX_USER ->
                    error(request, 413, "a message has at most " + MAX_TEXT + " characters, a name " + MAX_USER);
            case JsonBody.Valid(ChatJson.NewMessage(String user, String text)) -> {
                worker.send(new Post(room, clean(user), clean(text), worker.id()));
                stats.tell(new Posted());
                ChatJson.JSON.respond(request, 202, new ChatJson.Accepted(true, worker.id()));
            }
        }
    }

    private static boolean blank(String member) {
        return member == null || member.isBlank();
    }

    /** {@return {@code text} without control characters (which a terminal in the room would obey), trimmed} */
    static String clean(String text) {
        return text.replaceAll("\\p{Cntrl}", " ").strip();
    }

    static void error(HttpRequest request, int status, String message) {
        ChatJson.error(request, status, message);
    }

    private static byte[] resource(String name) {
        try (InputStream in = ChatWorker.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no " + name + " next to " + ChatWorker.class.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One message posted through this worker, counted. */
    record Posted() {
    }

    /** A TCP session started or ended. */
    record Session(int delta) {
    }

    /** An actor whose mailbox depth the stats report. */
    record Watch(String name, ActorRef<?> actor) {
    }

    private record Start() {
    }

    private record Tick() {
    }

    private record Pending(HttpRequest request, long since) {
    }

    /**
     * Gathers the rooms' figures and the worker's own, reports them to the primary every second,
     * and answers {@code /api/stats} with what the primary knows of every worker. Mailbox depths
     * are read from here, not by each actor of itself: inside its own turn an actor's mailbox
     * still counts the message in hand (the mailbox publishes what it took after the batch), so an
     * idle room reported 1. The ticks come half a second after the rooms' own, which would
     * otherwise be waiting in their mailboxes at that instant.
     */
    static Behavior<Object> stats(int id, CompletableFuture<ClusterWorker> worker, CompletableFuture<HttpServer> http,
            ActorSystem system) {
        return Behavior.setup(ctx -> {
            ctx.setTimeout(Duration.ofMillis(500), new Start());
            Map<String, Room.Stats> rooms = new LinkedHashMap<>();
            Map<String, ActorRef<?>> watched = new LinkedHashMap<>();
            Map<Long, Pending> pending = new HashMap<>();
            long[] posted = {0};
            int[] sessions = {0};
            long[] next = {0};
            return (c, msg) -> {
                switch (msg) {
                    case Room.Stats s -> rooms.put(s.room(), s);
                    case Watch(String name, ActorRef<?> actor) -> watched.put(name, actor);
                    case Start s -> c.setInterval(Duration.ofSeconds(1), new Tick());
                    case Posted p -> posted[0]++;
                    case Session s -> sessions[0] += s.delta();
                    case HttpRequest request -> {
                        long question = ++next[0];
                        pending.put(question, new Pending(request, System.nanoTime()));
                        worker.join().send(new StatsAsked(question));
                    }
                    case StatsAnswer answer -> {
                        Pending asked = pending.remove(answer.id());
                        if (asked != null) {
                            asked.request().respond(200, "application/json", answer.json());
                        }
                    }
                    case Tick t -> {
                        pending.values().removeIf(p -> {
                            boolean late = System.nanoTime() - p.since() > TimeUnit.SECONDS.toNanos(3);
                            if (late) {
                                error(p.request(), 503, "the primary did not answer within 3 s");
                            }
                            return late;
                        });
                        if (worker.isDone()) {
                            worker.join().send(new Report(id, report(rooms, watched, posted[0], sessions[0], http, system)));
                        }
                    }
                    default -> c.log().warn("stats: unexpected {}", msg);
                }
                return Behavior.same();
            };
        });
    }

    private static String report(Map<String, Room.Stats> rooms, Map<String, ActorRef<?>> watched, long posted,
            int sessions, CompletableFuture<HttpServer> http, ActorSystem system) {
        int streams = 0;
        long delivered = 0;
        long dropped = 0;
        Map<String, Integer> mailboxes = new LinkedHashMap<>();
        for (Room.Stats s : rooms.values()) {
            streams += s.streams();
            delivered = Math.max(delivered, s.delivered());
            dropped += s.dropped();
        }
        watched.forEach((name, actor) -> mailboxes.put(name, system.stats(actor).mailboxDepth()));
        return ChatJson.JSON.writeString(new ChatJson.WorkerReport(ProcessHandle.current().pid(),
                http.isDone() ? http.join().openConnections() : 0, streams, sessions, posted, delivered, dropped,
                system.deadLetters().count(), mailboxes));
    }

    /** A deliberately blocking service (a legacy lookup, say), called on virtual threads: the chat never waits for it. */
    static Behavior<Object> slowService() {
        record Done(HttpRequest request, Object answer) {
        }
        return (ctx, msg) -> {
            switch (msg) {
                case HttpRequest request -> ctx.offload(() -> {
                    Thread.sleep(1000); // the blocking call
                    return new ChatJson.SlowAnswer("the slow service took a second", Thread.currentThread().toString());
                }, answer -> new Done(request, answer),
                        failure -> new Done(request, new ChatJson.ErrorMessage(String.valueOf(failure))));
                case Done(HttpRequest request, Object answer) -> ChatJson.JSON.respond(request, 200, answer);
                default -> {
                }
            }
            return Behavior.same();
        };
    }

    /** The TCP port: each connection gets a session actor of its own. */
    static Behavior<TcpEvent> tcpListener(ClusterWorker worker, Map<String, ActorRef<Room.Msg>> rooms, ActorRef<Object> stats) {
        return (ctx, event) -> {
            if (event instanceof TcpEvent.Accepted(var listener, TcpConnection connection)) {
                connection.register(ctx.spawnAnonymous(session(worker, rooms, stats, connection)));
            }
            return Behavior.same();
        };
    }

    /**
     * A TCP member, {@code nc localhost 9090}: asks a name and a room, then every line is a message;
     * {@code /join <room>} moves, {@code /quit} leaves. The room writes everything said in it to
     * the connection as {@code [#room] user: text}, paced as for a stream (this actor passes on
     * {@code WritesDrained}).
     */
    static Behavior<Object> session(ClusterWorker worker, Map<String, ActorRef<Room.Msg>> rooms, ActorRef<Object> stats,
            TcpConnection connection) {
        return Behavior.setup(ctx -> {
            stats.tell(new Session(1));
            say(connection, "Spindle Chat, worker " + worker.id() + ". Your name? ");
            return new Behavior<>() {
                private final ByteArrayOutputStream line = new ByteArrayOutputStream();
                private String user;
                private String room;

                @Override
                public Behavior<Object> receive(ActorContext<Object> c, Object msg) {
                    switch (msg) {
                        case TcpEvent.Received(TcpConnection from, byte[] data) -> {
                            for (byte b : data) {
                                if (b == '\n') {
                                    String text = line.toString(StandardCharsets.UTF_8).strip();
                                    line.reset();
                                    if (!text.isEmpty()) {
                                        onLine(c, text);
                                    }
                                } else if (line.size() <= MAX_TEXT * 4) {
                                    line.write(b);
                                }
                            }
                        }
                        case TcpEvent.WritesDrained drained when room != null ->
                                rooms.get(room).tell(new Room.Msg.Writable(connection)); // the room writes what is said
                        case TcpEvent.Closed closed -> {
                            leave(c);
                            stats.tell(new Session(-1));
                            return Behavior.stopped();
                        }
                        default -> {
                        }
                    }
                    return Behavior.same();
                }

                private void onLine(ActorContext<Object> c, String line) {
                    String text = clean(line);
                    if (text.equals("/quit")) {
                        connection.close();
                    } else if (text.isEmpty()) {
                        return;
                    } else if (user == null) {
                        user = text.length() > MAX_USER ? text.substring(0, MAX_USER) : text;
                        say(connection, "Hello, " + user + ". Room " + rooms.keySet() + "? ");
                    } else if (room == null || text.startsWith("/join ")) {
                        String wanted = text.startsWith("/join ") ? text.substring(6).strip() : text;
                        if (!rooms.containsKey(wanted)) {
                            say(connection, "No room " + wanted + "; rooms: " + rooms.keySet() + "\n");
                            return;
                        }
                        leave(c);
                        room = wanted;
                        say(connection, "You are in #" + room + ". Type to talk; /join <room> moves, /quit leaves.\n");
                        rooms.get(room).tell(new Room.Msg.Join(connection));
                    } else if (text.length() > MAX_TEXT) {
                        say(connection, "Too long: at most " + MAX_TEXT + " characters.\n");
                    } else {
                        worker.send(new Post(room, user, text, worker.id()));
                        stats.tell(new Posted());
                    }
                }

                private void leave(ActorContext<Object> c) {
                    if (room != null) {
                        rooms.get(room).tell(new Room.Msg.Leave(connection));
                        room = null;
                    }
                }
            };
        });
    }

    private static void say(TcpConnection connection, String text) {
        connection.write(text.getBytes(StandardCharsets.UTF_8));
    }
}
