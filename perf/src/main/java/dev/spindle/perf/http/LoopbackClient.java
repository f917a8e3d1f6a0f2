package dev.spindle.perf.http;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Single-threaded. The client side of {@link HttpAllocationBenchmark} and
 * {@link HttpsAllocationBenchmark}: one blocking connection ({@link ClientLink}: in the clear, or
 * TLS through a client-mode {@code SSLEngine}) with two direct buffers made once, so that once warm
 * it allocates nothing but what a TLS engine does (a heap buffer would be copied through the JDK's
 * temporary direct buffers; {@code ByteBuffer.duplicate()} would make a view per send). The
 * benchmarks measure that separately: the client thread's own bytes per operation.
 */
final class LoopbackClient implements AutoCloseable {

    private static final byte[] CONTENT_LENGTH = "Content-Length: ".getBytes(StandardCharsets.US_ASCII);

    private final ClientLink link;
    /** What one {@link #send()} writes, whole, every time. */
    private final ByteBuffer out;
    /** Received bytes not consumed yet are {@code [0, position)}. */
    private final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);

    /** A client in the clear. */
    LoopbackClient(InetSocketAddress server, byte[] message) throws IOException {
        this(new PlainLink(server), message);
    }

    LoopbackClient(ClientLink link, byte[] message) {
        this.link = link;
        out = ByteBuffer.allocateDirect(message.length).put(message).flip();
    }

    void send() throws IOException {
        out.rewind();
        link.write(out);
    }

    /** Blocks until {@code count} whole HTTP responses, each a {@code 200}, have arrived; {@return their bytes} */
    int awaitResponses(int count) throws IOException {
        int bodies = 0;
        int done = 0;
        while (true) {
            int end;
            while (done < count && (end = responseEnd()) >= 0) {
                bodies += end;
                consume(end);
                done++;
            }
            if (done == count) {
                return bodies;
            }
            fill();
        }
    }

    /** Blocks until {@code size} bytes have arrived (TCP echo), and drops them. */
    void awaitBytes(int size) throws IOException {
        int left = size;
        while (left > 0) {
            in.clear();
            if (link.read(in) < 0) {
                throw new EOFException("server closed the connection");
            }
            left -= in.position();
        }
        if (left < 0) {
            throw new IOException("more bytes than sent came back: " + -left);
        }
        in.clear();
    }

    private void fill() throws IOException {
        if (!in.hasRemaining()) {
            throw new IOException("a response is larger than " + in.capacity() + " bytes");
        }
        if (link.read(in) < 0) {
            throw new EOFException("server closed the connection");
        }
    }

    /** {@return the index just past the first whole response in the buffer, or -1 if it is not all here} */
    private int responseEnd() throws IOException {
        int received = in.position();
        int headEnd = -1;
        for (int i = 3; i < received; i++) {
            if (in.get(i) == '\n' && in.get(i - 1) == '\r' && in.get(i - 2) == '\n' && in.get(i - 3) == '\r') {
                headEnd = i + 1;
                break;
            }
        }
        if (headEnd < 0) {
            return -1;
        }
        if (in.get(9) != '2' || in.get(10) != '0' || in.get(11) != '0') {
            byte[] head = new byte[headEnd];
            in.get(0, head);
            throw new IOException("not a 200: " + new String(head, StandardCharsets.US_ASCII));
        }
        int at = indexOf(CONTENT_LENGTH, headEnd);
        if (at < 0) {
            throw new IOException("a response without Content-Length");
        }
        int length = 0;
        for (int i = at + CONTENT_LENGTH.length; in.get(i) != '\r'; i++) {
            length = length * 10 + (in.get(i) - '0');
        }
        int end = headEnd + length;
        return end <= received ? end : -1;
    }

    private int indexOf(byte[] pattern, int before) {
        outer:
        for (int i = 0; i + pattern.length <= before; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (in.get(i + j) != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Drops the first {@code end} bytes, keeping what follows (the next responses' beginning). */
    private void consume(int end) {
        in.flip().position(end);
        in.compact();
    }

    @Override
    public void close() throws IOException {
        link.close();
    }
}
