package dev.spindle.io;

import dev.spindle.actors.Behavior;
import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.actors.testkit.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** UDP on 127.0.0.1: datagrams in and out as messages. */
class UdpTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create(IoConfig.defaults().withLoops(2));

    @AfterEach
    void close() {
        io.close();
        kit.close();
    }

    /** Answers each datagram with its bytes upper-cased, to the sender. */
    static Behavior<UdpEvent> shouter() {
        return (ctx, event) -> {
            if (event instanceof UdpEvent.Received(UdpSocket socket, InetSocketAddress from, byte[] data)) {
                socket.send(from, new String(data, StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8));
            }
            return Behavior.same();
        };
    }

    @Test
    void shouldExchangeDatagramsBetweenActors() throws Exception {
        UdpSocket server = io.bindUdp(ANY_PORT, kit.spawn(shouter()));
        TestProbe<UdpEvent> client = kit.createProbe();
        UdpSocket socket = io.bindUdp(ANY_PORT, client.ref());
        for (int i = 0; i < 5; i++) {
            assertThat(socket.send(server.localAddress(), ("hello " + i).getBytes(StandardCharsets.UTF_8))).isTrue();
            UdpEvent.Received reply = client.expectMessageClass(UdpEvent.Received.class);
            assertThat(new String(reply.data(), StandardCharsets.UTF_8)).isEqualTo("HELLO " + i);
            assertThat(reply.from()).isEqualTo(server.localAddress());
            assertThat(reply.socket()).isSameAs(socket);
        }
    }

    @Test
    void shouldServeAPlainDatagramClient() throws Exception {
        UdpSocket server = io.bindUdp(ANY_PORT, kit.spawn(shouter()));
        try (DatagramSocket plain = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            plain.setSoTimeout(10_000);
            byte[] ping = "ping".getBytes(StandardCharsets.UTF_8);
            plain.send(new DatagramPacket(ping, ping.length, server.localAddress()));
            DatagramPacket pong = new DatagramPacket(new byte[100], 100);
            plain.receive(pong);
            assertThat(new String(pong.getData(), 0, pong.getLength(), StandardCharsets.UTF_8)).isEqualTo("PING");
        }
    }

    @Test
    void shouldReportCloseAndRefuseSendsAfterIt() throws Exception {
        TestProbe<UdpEvent> owner = kit.createProbe();
        UdpSocket socket = io.bindUdp(ANY_PORT, owner.ref());
        socket.close();
        assertThat(owner.expectMessageClass(UdpEvent.Closed.class).cause()).isNull();
        assertThat(socket.send(socket.localAddress(), new byte[1])).isFalse();
        assertThat(socket.droppedDatagrams()).isEqualTo(1);
    }
}
