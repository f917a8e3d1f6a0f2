package dev.spindle.samples;

import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.io.Io;
import dev.spindle.io.TcpConnection;
import dev.spindle.io.TcpEvent;
import dev.spindle.io.TcpListener;
import dev.spindle.io.TcpOptions;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/**
 * A TCP echo server: each connection gets an actor of its own that writes back what it reads.
 * Run, then {@code nc localhost 7001} and type:
 * {@code ./run TcpEcho}
 */
public final class TcpEcho {

    private TcpEcho() {
    }

    /** One connection: what it reads, it writes back; it stops when the connection closes. */
    static Behavior<TcpEvent> echo() {
        return (ctx, event) -> switch (event) {
            case TcpEvent.Received(TcpConnection connection, byte[] data) -> {
                connection.write(data);
                yield Behavior.same();
            }
            case TcpEvent.Closed closed -> Behavior.stopped();
            default -> Behavior.same();
        };
    }

    static TcpListener start(ActorSystem system, Io io, int port) throws java.io.IOException {
        return io.listen(new InetSocketAddress(port), TcpOptions.defaults(), system.<TcpEvent>spawn((ctx, event) -> {
            if (event instanceof TcpEvent.Accepted(TcpListener listener, TcpConnection connection)) {
                connection.register(ctx.spawnAnonymous(echo()));
            }
            return Behavior.same();
        }, "echo-server"));
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("port", 7001);
        StopSignal.run(stop -> {
            try (ActorSystem system = ActorSystem.create("tcp-echo"); Io io = Io.create()) {
                TcpListener listener = start(system, io, port);
                LoggerFactory.getLogger(TcpEcho.class).info("echo server on port {}: nc localhost {}; Ctrl-C stops",
                        listener.localAddress().getPort(), listener.localAddress().getPort());
                stop.await();
            }
        });
    }
}
