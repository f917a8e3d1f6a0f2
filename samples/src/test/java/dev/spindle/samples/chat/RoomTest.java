package dev.spindle.samples.chat;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.actors.testkit.TestProbe;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import dev.spindle.io.TcpConnection;
import dev.spindle.io.TcpEvent;
import dev.spindle.io.TcpListener;
import dev.spindle.io.TcpOptions;
import dev.spindle.io.http.HttpMethod;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;
import dev.spindle.samples.chat.Protocol.Said;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A room actor in one process: gaps told, bursts paced, a member that never reads dropped and told, the others go on. */
class RoomTest {

    private static final ChatConfig CONFIG = ChatConfig.defaults();

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create(IoConfig.defaults().withLoops(1));

    @AfterEach
    void close() {
        io.close();
        kit.close();
    }

    @Test
    void shouldDropOnlyAStreamThatTakesNothingForTheStallLimitTellItAndKeepServingTheOthers() throws Exception {
        TestProbe<Room.Stats> stats = kit.createProbe();
        ActorRef<Room.Msg> room = kit.spawn(Room.create("general", 1, CONFIG.withStallLimit(Duration.ofSeconds(2)), stats.ref()));
        room.tell(new Room.Msg.Ready());
        HttpServer server = serve(room);

        try (Socket stalled = new Socket(); Socket reader = new Socket()) {
            stalled.setReceiveBufferSize(4096); // and it reads nothing more until it is dropped
            BufferedReader in = subscribe(server, reader, -1);
            BufferedReader late = subscribe(server, stalled, -1);
            awaitStreams(stats, 2);

            // Messages until the stalled stream has taken nothing for 2 s (the kernel's buffers
            // fill first), in bursts the other member reads between.
            String text = "x".repeat(ChatWorker.MAX_TEXT);
            long seq = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Room.Stats latest = null;
            while (latest == null || latest.dropped() == 0) {
                assertThat(System.nanoTime()).as("dropped within 60 s, %s", latest).isLessThan(deadline);
                for (int burst = 0; burst < 20; burst++) {
                    for (int i = 0; i < 100; i++) {
                        room.tell(new Room.Msg.Deliver(new Said("general", ++seq, "ann", text, 0, 1)));
                    }
                    readUntil(in, "id: " + seq);
                }
                latest = stats.receiveMessage(); // the next report (once a second)
            }
            assertThat(latest.dropped()).isEqualTo(1);
            assertThat(latest.streams()).as("the reader is still a member").isEqualTo(1);
            room.tell(new Room.Msg.Deliver(new Said("general", ++seq, "bob", "still here", 0, 1)));
            readUntil(in, "id: " + seq);

            // The dropped client is told, last, if it ever reads again; then its answer ends.
            readUntil(late, "event: dropped");
            assertThat(late.readLine()).startsWith("data: {\"reason\":");
        }
    }

    @Test
    void shouldPaceABurstToAReaderThatIsBehindInsteadOfDroppingIt() throws Exception {
        TestProbe<Room.Stats> stats = kit.createProbe();
        ActorRef<Room.Msg> room = kit.spawn(Room.create("general", 1, CONFIG.withHistory(5_000), stats.ref()));
        room.tell(new Room.Msg.Ready());
        HttpServer server = serve(room);
        try (Socket behind = new Socket()) {
            behind.setReceiveBufferSize(4096);
            BufferedReader in = subscribe(server, behind, -1);
            awaitStreams(stats, 1);
            String text = burst(room, stats);
            for (int seq = 1; seq <= 3_000; seq++) {
                assertThat(nextEventLine(in)).isEqualTo("id: " + seq);
            }
            Room.Stats after = stats.receiveMessage();
            assertThat(after.dropped()).isZero();
            assertThat(after.streams()).isEqualTo(1);
        }
    }

    @Test
    void shouldPaceABurstToATcpMemberThatIsBehindInsteadOfDroppingIt() throws Exception {
        TestProbe<Room.Stats> stats = kit.createProbe();
        ActorRef<Room.Msg> room = kit.spawn(Room.create("general", 1, CONFIG.withHistory(5_000), stats.ref()));
        room.tell(new Room.Msg.Ready());
        TcpListener listener = io.listen(new InetSocketAddress("127.0.0.1", 0), TcpOptions.defaults(), kit.spawn(member(room)));
        try (Socket behind = new Socket()) {
            behind.setReceiveBufferSize(4096);
            behind.connect(listener.localAddress(), 5_000);
            behind.setSoTimeout(20_000);
            while (stats.receiveMessage().sessions() < 1) {
                // the next report
            }
            String text = burst(room, stats);
            BufferedReader in = new BufferedReader(new InputStreamReader(behind.getInputStream(), StandardCharsets.UTF_8));
            for (int seq = 1; seq <= 3_000; seq++) {
                assertThat(in.readLine()).as("line %d", seq).isEqualTo("[#general] ann: " + text);
            }
            Room.Stats after = stats.receiveMessage();
            assertThat(after.dropped()).isZero();
            assertThat(after.sessions()).isEqualTo(1);
        }
    }

    @Test
    void shouldTellAReconnectingClientWhatFellOutOfTheHistoryThenGiveTheRest() throws Exception {
        TestProbe<Room.Stats> stats = kit.createProbe();
        ActorRef<Room.Msg> room = kit.spawn(Room.create("general", 1, CONFIG.withHistory(5), stats.ref()));
        for (long seq = 1; seq <= 10; seq++) {
            room.tell(new Room.Msg.Deliver(new Said("general", seq, "ann", "message " + seq, 0, 1)));
        }
        room.tell(new Room.Msg.Ready());
        HttpServer server = serve(room);
        try (Socket client = new Socket()) {
            BufferedReader in = subscribe(server, client, 2); // it saw 1 and 2; the room keeps 6 to 10
            List<String> lines = new ArrayList<>();
            while (!lines.contains("id: 10")) {
                lines.add(nextEventLine(in));
            }
            assertThat(lines).containsExactly("id: 5", "event: gap", "data: {\"from\":3,\"to\":5,\"missed\":3}",
                    "id: 6", "id: 7", "id: 8", "id: 9", "id: 10");
        }
    }

    @Test
    void shouldHoldSubscriptionsUntilTheSnapshotAndThenGiveWhatWasMissedOnce() throws Exception {
        TestProbe<Room.Stats> stats = kit.createProbe();
        ActorRef<Room.Msg> room = kit.spawn(Room.create("general", 1, CONFIG, stats.ref()));
        HttpServer server = serve(room);
        try (Socket client = new Socket()) {
            client.connect(server.localAddress(), 5_000);
            client.setSoTimeout(20_000);
            // a client that saw message 1 reconnects to a worker that has just started
            client.getOutputStream().write("GET /events HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            for (long seq = 1; seq <= 3; seq++) { // the primary's snapshot
                room.tell(new Room.Msg.Deliver(new Said("general", seq, "ann", "message " + seq, 0, 1)));
            }
            room.tell(new Room.Msg.Ready());
            room.tell(new Room.Msg.Deliver(new Said("general", 4, "ann", "message 4", 0, 1)));
            List<String> ids = new ArrayList<>();
            for (String line; ids.size() < 3 && (line = in.readLine()) != null; ) {
                if (line.startsWith("id: ")) {
                    ids.add(line);
                }
            }
            assertThat(ids).containsExactly("id: 2", "id: 3", "id: 4");
        }
    }

    private HttpServer serve(ActorRef<Room.Msg> room) throws java.io.IOException {
        return HttpServer.listen(io, new InetSocketAddress("127.0.0.1", 0), HttpServerOptions.defaults(),
                Router.builder().route(HttpMethod.GET, "/events", room, Room.Msg.Subscribe::new).build());
    }

    /**
     * Delivers a burst of 3,000 messages of 500 characters (1.6 MB, as after a stall) and waits
     * until the room has handled them all, before the member reads any.
     *
     * @return their text
     */
    private static String burst(ActorRef<Room.Msg> room, TestProbe<Room.Stats> stats) {
        String text = "y".repeat(ChatWorker.MAX_TEXT);
        for (int seq = 1; seq <= 3_000; seq++) {
            room.tell(new Room.Msg.Deliver(new Said("general", seq, "ann", text, 0, 1)));
        }
        while (stats.receiveMessage().delivered() < 3_000) {
            // the next report
        }
        return text;
    }

    /** What a chat session does for its room: joins with its connection, and says when its queue drained. */
    private static Behavior<TcpEvent> member(ActorRef<Room.Msg> room) {
        return (ctx, event) -> {
            if (event instanceof TcpEvent.Accepted(var listener, TcpConnection connection)) {
                connection.register(ctx.self());
                room.tell(new Room.Msg.Join(connection));
            } else if (event instanceof TcpEvent.WritesDrained(TcpConnection connection)) {
                room.tell(new Room.Msg.Writable(connection));
            }
            return Behavior.same();
        };
    }

    /** Subscribes on {@code socket} (with {@code Last-Event-ID} unless negative) and reads the answer's status line. */
    private static BufferedReader subscribe(HttpServer server, Socket socket, long lastEventId) throws Exception {
        socket.connect(server.localAddress(), 5_000);
        socket.getOutputStream().write(("GET /events HTTP/1.1\r\nHost: x\r\n"
                + (lastEventId >= 0 ? "Last-Event-ID: " + lastEventId + "\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout(20_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
        return in;
    }

    private static void awaitStreams(TestProbe<Room.Stats> stats, int streams) {
        while (stats.receiveMessage().streams() < streams) {
            // the next report, a second later (receiveMessage waits with a deadline)
        }
    }

    /** {@return the next line of a message or gap event: its id, or a gap's event and data lines} */
    private static String nextEventLine(BufferedReader in) throws Exception {
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("id: ") || line.equals("event: gap") || line.startsWith("data: {\"from\":")) {
                return line;
            }
        }
        throw new AssertionError("the stream ended");
    }

    /** Reads the stream until the line {@code wanted}. */
    private static void readUntil(BufferedReader in, String wanted) throws Exception {
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals(wanted)) {
                return;
            }
        }
        throw new AssertionError("the stream ended before '" + wanted + "'");
    }
}
