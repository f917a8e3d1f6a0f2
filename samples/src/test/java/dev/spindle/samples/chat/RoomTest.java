package dev.spindle.samples.chat;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.actors.testkit.TestProbe;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A room actor in one process: a member that never reads is dropped, the others go on. */
class RoomTest {

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create(IoConfig.defaults().withLoops(1));

    @AfterEach
    void close() {
        io.close();
        kit.close();
    }

    @Test
    void shouldDropAStreamThatNeverReadsAtItsHighWaterMarkAndKeepServingTheOthers() throws Exception {
        TestProbe<Room.Stats> stats = kit.createProbe();
        ActorRef<Room.Msg> room = kit.spawn(Room.create("general", 1, stats.ref()));
        room.tell(new Room.Msg.Ready());
        HttpServer server = serve(room);

        try (Socket stalled = new Socket(); Socket reader = new Socket()) {
            stalled.setReceiveBufferSize(4096); // and never read
            for (Socket s : new Socket[] {stalled, reader}) {
                s.connect(server.localAddress(), 5_000);
                s.setSoTimeout(20_000);
                s.getOutputStream().write("GET /events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(reader.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
            awaitStreams(stats, 2);

            // Messages until the stalled stream's queue passes the drop mark (the kernel's buffers
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
                    readUntil(in, seq);
                }
                latest = stats.receiveMessage(); // the next report (once a second)
            }
            assertThat(latest.dropped()).isEqualTo(1);
            assertThat(latest.streams()).as("the reader is still a member").isEqualTo(1);
            room.tell(new Room.Msg.Deliver(new Said("general", ++seq, "bob", "still here", 0, 1)));
            readUntil(in, seq);
        }
    }

    @Test
    void shouldHoldSubscriptionsUntilTheSnapshotAndThenGiveWhatWasMissedOnce() throws Exception {
        TestProbe<Room.Stats> stats = kit.createProbe();
        ActorRef<Room.Msg> room = kit.spawn(Room.create("general", 1, stats.ref()));
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
            List<String> ids = new java.util.ArrayList<>();
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

    private static void awaitStreams(TestProbe<Room.Stats> stats, int streams) {
        while (stats.receiveMessage().streams() < streams) {
            // the next report, a second later (receiveMessage waits with a deadline)
        }
    }

    /** Reads the reader's stream until the message numbered {@code seq}. */
    private static void readUntil(BufferedReader in, long seq) throws Exception {
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("id: " + seq)) {
                return;
            }
        }
        throw new AssertionError("the reader's stream ended before message " + seq);
    }
}
