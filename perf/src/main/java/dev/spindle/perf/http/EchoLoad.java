package dev.spindle.perf.http;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Locale;

/**
 * The TCP echo load generator of {@link HttpComparison} (wrk speaks only HTTP): one thread, one
 * selector, {@code connections} sockets, each with one message of {@code size} bytes in flight:
 * send, wait for all of it to come back, send again. Prints one {@code RESULT} line: round trips
 * per second and the p50/p99 round-trip time in microseconds.
 */
public final class EchoLoad {

    private EchoLoad() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int connections = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int size = Integer.parseInt(args[3]);
        Selector selector = Selector.open();
        ByteBuffer message = ByteBuffer.allocateDirect(size);
        while (message.hasRemaining()) {
            message.put((byte) 'e');
        }
        ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
        long[] sentAt = new long[connections];
        int[] pending = new int[connections];
        long[] samples = new long[1 << 22];
        int sampleCount = 0;
        for (int i = 0; i < connections; i++) {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, i);
            send(channel, message);
            sentAt[i] = System.nanoTime();
            pending[i] = size;
        }
        long trips = 0;
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            selector.select(100);
            for (SelectionKey key : selector.selectedKeys()) {
                int i = (Integer) key.attachment();
                SocketChannel channel = (SocketChannel) key.channel();
                in.clear();
                int n = channel.read(in);
                if (n < 0) {
                    throw new IllegalStateException("server closed connection " + i);
                }
                pending[i] -= n;
                if (pending[i] == 0) {
                    long now = System.nanoTime();
                    trips++;
                    if (sampleCount < samples.length) {
                        samples[sampleCount++] = now - sentAt[i];
                    }
                    send(channel, message);
                    sentAt[i] = now;
                    pending[i] = size;
                }
            }
            selector.selectedKeys().clear();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] sorted = Arrays.copyOf(samples, sampleCount);
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "RESULT trips=%d rate=%.1f p50us=%.1f p99us=%.1f%n", trips, trips / elapsed,
                sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.99)] / 1e3);
    }

    private static void send(SocketChannel channel, ByteBuffer message) throws java.io.IOException {
        ByteBuffer view = message.duplicate().clear();
        while (view.hasRemaining()) {
            channel.write(view);
        }
    }
}
