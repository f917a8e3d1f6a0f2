package dev.spindle.io;

import java.io.IOException;
import java.net.InetSocketAddress;

/** Immutable. What a UDP socket tells the actor that owns it. {@link Closed} is the last event. */
public sealed interface UdpEvent {

    /** A datagram arrived; the array is the receiver's. */
    record Received(UdpSocket socket, InetSocketAddress from, byte[] data) implements UdpEvent {
    }

    /** A datagram could not be sent (no route, say); nothing is retried. {@code to} is null when the OS reports an error of an earlier send without saying which. */
    record SendFailed(UdpSocket socket, InetSocketAddress to, IOException cause) implements UdpEvent {
    }

    /** The socket is closed; {@code cause} is null after {@link UdpSocket#close()}. */
    record Closed(UdpSocket socket, IOException cause) implements UdpEvent {
    }
}
