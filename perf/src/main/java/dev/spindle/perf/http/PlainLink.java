package dev.spindle.perf.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** Single-threaded. A {@link ClientLink} in the clear: one blocking socket with {@code TCP_NODELAY}. */
final class PlainLink implements ClientLink {

    private final SocketChannel channel;

    PlainLink(InetSocketAddress server) throws IOException {
        channel = SocketChannel.open(server);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    @Override
    public void write(ByteBuffer plaintext) throws IOException {
        while (plaintext.hasRemaining()) {
            channel.write(plaintext);
        }
    }

    @Override
    public int read(ByteBuffer plaintext) throws IOException {
        return channel.read(plaintext);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
