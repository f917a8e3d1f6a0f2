package dev.spindle.samples;

import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.io.Io;
import dev.spindle.io.TcpConnection;
import dev.spindle.io.TcpEvent;
import dev.spindle.io.TcpListener;
import dev.spindle.io.TcpOptions;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A TCP chat room in one actor: it accepts connections, registers itself for their events, and
 * sends every complete line one client types to all the others. The room's state (who is in it,
 * each one's unfinished line) is the actor's own: no locks. Run, then join from two terminals:
 * <pre>
 * ./run TcpChat
 * nc localhost 7000
 * </pre>
 * A client that stops reading is dropped once its queue passes the high-water mark, so it cannot
 * make the room buffer without bound. {@code -Dport=N} picks another port; Ctrl-C stops it.
 */
public final class TcpChat {

    private TcpChat() {
    }

    static Behavior<TcpEvent> room() {
        Map<TcpConnection, ByteArrayOutputStream> members = new LinkedHashMap<>();
        return (ctx, event) -> {
            switch (event) {
                case TcpEvent.Accepted(TcpListener listener, TcpConnection joined) -> {
                    joined.register(ctx.self());
                    members.put(joined, new ByteArrayOutputStream());
                    joined.write(("welcome, " + name(joined) + "; " + members.size() + " here\n").getBytes(StandardCharsets.UTF_8));
                    broadcast(members, joined, name(joined) + " joined\n");
                }
                case TcpEvent.Received(TcpConnection from, byte[] data) -> {
                    ByteArrayOutputStream pending = members.get(from);
                    for (byte b : data) {
                        pending.write(b);
                        if (b == '\n') {
                            broadcast(members, from, name(from) + ": " + pending.toString(StandardCharsets.UTF_8));
                            pending.reset();
                        }
                    }
                }
                case TcpEvent.Closed(TcpConnection left, var cause) -> {
                    if (members.remove(left) != null) {
                        broadcast(members, left, name(left) + " left\n");
                    }
                }
                default -> {
                    // PeerClosed (the connection closes next), WritesDrained, ListenerClosed: nothing to do.
                }
            }
            return Behavior.same();
        };
    }

    private static void broadcast(Map<TcpConnection, ByteArrayOutputStream> members, TcpConnection from, String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        for (TcpConnection member : members.keySet()) {
            if (member != from && !member.write(bytes)) {
                // Past the high-water mark: this one is not reading. Drop it rather than buffer for it.
                member.abort();
            }
        }
    }

    private static String name(TcpConnection connection) {
        return "guest-" + connection.remoteAddress().getPort();
    }

    static TcpListener start(ActorSystem system, Io io, int port) throws java.io.IOException {
        return io.listen(new InetSocketAddress(port), TcpOptions.defaults(), system.spawn(room(), "room"));
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("port", 7000);
        StopSignal.run(stop -> {
            try (ActorSystem system = ActorSystem.create("tcp-chat"); Io io = Io.create()) {
                TcpListener listener = start(system, io, port);
                org.slf4j.LoggerFactory.getLogger(TcpChat.class).info("chat room on port {}: nc localhost {}; Ctrl-C stops",
                        listener.localAddress().getPort(), listener.localAddress().getPort());
                stop.await();
            }
        });
    }
}
