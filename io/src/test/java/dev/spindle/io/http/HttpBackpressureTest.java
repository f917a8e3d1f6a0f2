package dev.spindle.io.http;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Clients that would make a server buffer without bound, over real sockets on 127.0.0.1: one that
 * pipelines requests and never reads the answers, one that uploads more than the server accepts.
 * The server must stop reading (TCP then stops the client) and lose nothing it accepted.
 */
class HttpBackpressureTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final int MAX_PIPELINED = 16;
    /** What a client tries to send: far more than any socket buffer holds. */
    private static final long ATTEMPT_BYTES = 64L << 20;
    /** Big answers, so that the kernel's socket buffers hold few of them. */
    private static final byte[] BIG_BODY = filled(512 * 1024);
    private static final HttpServerOptions OPTIONS = HttpServerOptions.defaults().withMaxPipelined(MAX_PIPELINED);

    private final ActorTestKit kit = ActorTestKit.create();
    private final Io io = Io.create(IoConfig.defaults().withLoops(1));
    /** Requests the server handed to the route's actor (counted on the loop, as it tells the actor). */
    private final AtomicLong handedOver = new AtomicLong();

    @AfterEach
    void close() {
        io.close();
        kit.close();
    }

    /**
     * The actor answers at once, but the client reads nothing: answers fill the kernel's buffers,
     * then wait in flight, and at {@code maxPipelined} the server stops reading. Only a few socket
     * buffers' worth of the 64 MiB the client tries to send ever leave it.
     */
    @Test
    void shouldStopReadingFromAClientThatDoesNotReadAndLoseNothingOnceItReads() throws Exception {
        ActorRef<HttpRequest> seq = kit.spawn((ctx, request) -> {
            String n = request.pathParam("n");
            request.response().status(200).header("X-Seq", n).send(BIG_BODY);
            return Behavior.same();
        });
        try (HttpServer server = listen(seq); Pipeliner client = new Pipeliner(server, 4 * 1024)) {
            long[] steady = awaitSteady(Duration.ofMillis(500), Duration.ofSeconds(20), client.requests::get,
                    handedOver::get);
            assertThat(client.writer.isAlive()).as("the client is stuck in a write").isTrue();
            assertThat(client.bytes.get()).as("bytes the client got out of 64 MiB").isLessThan(ATTEMPT_BYTES / 4);
            // What the server handed to its actor: at most MAX_PIPELINED requests still in flight,
            // plus the answers that left it: one partly written, and what the kernel holds (the
            // server's send buffer, which grows to tcp_wmem's maximum, and our receive buffer),
            // counted twice over for the kernel's slack (a write may pass the limit by a segment).
            // Observed on loopback: 16 + 8 (4 MiB in the kernel), bound 34.
            long kernelBytes = 2 * (maxSendBuffer() + client.socket.getReceiveBufferSize());
            long bound = MAX_PIPELINED + kernelBytes / BIG_BODY.length + 2;
            System.out.printf("HttpBackpressureTest: the client sent %d requests (%d bytes) before TCP stopped it; "
                    + "%d reached the actor (bound %d)%n", steady[0], client.bytes.get(), steady[1], bound);
            assertThat(steady[1]).as("requests handed to the actor while the client does not read (of %d sent)",
                    steady[0]).isBetween((long) MAX_PIPELINED, bound);

            long answers = client.stopAndReadAll(BIG_BODY.length);
            assertThat(answers).isEqualTo(client.requests.get()).isEqualTo(handedOver.get());
        }
    }

    /**
     * The actor holds its first request: exactly {@code maxPipelined} requests reach it and the
     * server reads no more, while the client, which never reads either, is stopped by TCP.
     */
    @Test
    void shouldHandOverExactlyMaxPipelinedRequestsWhileTheFirstIsUnanswered() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        ActorRef<HttpRequest> seq = kit.spawn((ctx, request) -> {
            String n = request.pathParam("n");
            gate.await();
            request.response().status(200).header("X-Seq", n).send("ok".getBytes(StandardCharsets.US_ASCII));
            return Behavior.same();
        });
        try (HttpServer server = listen(seq); Pipeliner client = new Pipeliner(server, 1024)) {
            long[] steady = awaitSteady(Duration.ofMillis(500), Duration.ofSeconds(20), client.requests::get,
                    handedOver::get);
            assertThat(client.writer.isAlive()).as("the client is stuck in a write").isTrue();
            assertThat(client.bytes.get()).as("bytes the client got out of 64 MiB").isLessThan(ATTEMPT_BYTES / 4);
            System.out.printf("HttpBackpressureTest: the client sent %d requests (%d bytes) before TCP stopped it; "
                    + "%d reached the actor, which holds the first%n", steady[0], client.bytes.get(), steady[1]);
            assertThat(steady[1]).as("requests handed over (of %d sent)", steady[0]).isEqualTo(MAX_PIPELINED);

            gate.countDown();
            long answers = client.stopAndReadAll(2);
            assertThat(answers).isEqualTo(client.requests.get()).isEqualTo(handedOver.get());
        }
    }

    /**
     * An upload whose Content-Length is over {@code maxBodySize} gets 413 while the client is
     * still sending, nothing reaches the actor, and the connection ends although the client never
     * stops: the server lingers for the client's FIN at most a bounded time, discarding. Another
     * client on the same loop is served meanwhile. (HttpServerTest covers the head alone.)
     */
    @Test
    void shouldAnswer413ToAnOversizedUploadInProgressAndEndItWhileServingOthers() throws Exception {
        AtomicLong uploads = new AtomicLong();
        ActorRef<HttpRequest> upload = kit.spawn((ctx, request) -> {
            uploads.incrementAndGet();
            request.respond(200);
            return Behavior.same();
        });
        ActorRef<HttpRequest> hello = kit.spawn((ctx, request) -> {
            request.respond(200, "text/plain", "Hello, World!");
            return Behavior.same();
        });
        Router router = Router.builder().post("/upload", upload).get("/hello", hello).build();
        try (HttpServer server = HttpServer.listen(io, ANY_PORT, HttpServerOptions.defaults(), router);
                Socket bystander = connect(server)) {
            Socket uploader = connect(server);
            OutputStream out = uploader.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + (1L << 40) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            AtomicLong uploaded = new AtomicLong();
            Throwable[] ended = new Throwable[1];
            Thread writer = Thread.ofVirtual().start(() -> {
                byte[] chunk = filled(64 * 1024);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                try {
                    while (System.nanoTime() - deadline < 0) {
                        out.write(chunk);
                        uploaded.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    ended[0] = e;
                }
            });
            try {
                Reader answers = new Reader(uploader);
                Answer tooLarge = answers.read(-1);
                assertThat(tooLarge.status()).isEqualTo(413);
                assertThat(tooLarge.header("Connection")).isEqualTo("close");
                awaitUntil(Duration.ofSeconds(10), () -> uploaded.get() > HttpServerOptions.defaults().maxBodySize());

                Reader other = new Reader(bystander);
                for (int i = 0; i < 20; i++) {
                    bystander.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertThat(other.read(-1).body()).isEqualTo("Hello, World!");
                }
                assertThat(writer.isAlive()).as("the upload went on while the other client was served").isTrue();

                assertThat(answers.in.read()).as("nothing after the 413").isEqualTo(-1);
                assertThat(writer.join(Duration.ofSeconds(10))).as("the server ended the upload within 10 s").isTrue();
                assertThat(ended[0]).as("the upload ended by the server closing (%d bytes sent)", uploaded.get())
                        .isInstanceOf(IOException.class);
                assertThat(uploads.get()).as("the oversized request never reached the actor").isZero();
            } finally {
                uploader.close(); // ends the writer if the server did not
                writer.join(Duration.ofSeconds(10));
            }
        }
    }

    private HttpServer listen(ActorRef<HttpRequest> seq) throws IOException {
        Router router = Router.builder().route(HttpMethod.GET, "/seq/:n", seq, request -> {
            handedOver.incrementAndGet();
            return request;
        }).build();
        return HttpServer.listen(io, ANY_PORT, OPTIONS, router);
    }

    /** Waits until {@code condition} holds; fails after {@code within}. Polls, as actors' Eventually does. */
    private static void awaitUntil(Duration within, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("condition not met within " + within);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Waits until every value has stayed the same for {@code quiet} and returns them; fails after {@code within}. */
    private static long[] awaitSteady(Duration quiet, Duration within, LongSupplier... values) {
        long deadline = System.nanoTime() + within.toNanos();
        long[] seen = read(values);
        long since = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            long[] current = read(values);
            if (!Arrays.equals(current, seen)) {
                seen = current;
                since = now;
            } else if (now - since >= quiet.toNanos()) {
                return current;
            }
            if (now - deadline > 0) {
                return fail("values %s did not hold still for %s within %s", Arrays.toString(current), quiet, within);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static long[] read(LongSupplier[] values) {
        long[] read = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            read[i] = values[i].getAsLong();
        }
        return read;
    }

    /** The most a socket's send buffer grows to by itself on Linux: tcp_wmem's maximum. */
    private static long maxSendBuffer() throws IOException {
        Path wmem = Path.of("/proc/sys/net/ipv4/tcp_wmem");
        if (!Files.isReadable(wmem)) {
            return 4L << 20; // Linux's default maximum
        }
        // procfs says the size is 0, and Files.readString then returns the first byte only.
        try (InputStream in = Files.newInputStream(wmem)) {
            String[] fields = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim().split("\\s+");
            assertThat(fields).as("tcp_wmem: min, default, max").hasSize(3);
            return Long.parseLong(fields[2]);
        }
    }

    private static Socket connect(HttpServer server) throws IOException {
        Socket socket = new Socket();
        socket.connect(server.localAddress(), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static byte[] filled(int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) 'x');
        return bytes;
    }

    /**
     * A client that pipelines {@code GET /seq/0}, {@code /seq/1}, ... (each padded to about
     * {@code padding} bytes) from its own thread and reads nothing until told to: it tries to send
     * {@link #ATTEMPT_BYTES}. Small socket buffers, so that the kernel holds little of either way.
     */
    static final class Pipeliner implements AutoCloseable {
        final Socket socket = new Socket();
        final AtomicLong requests = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final Thread writer;
        private final String pad;
        private volatile boolean stop;
        private volatile Throwable failure;

        Pipeliner(HttpServer server, int padding) throws IOException {
            socket.setReceiveBufferSize(64 * 1024);
            socket.setSendBufferSize(64 * 1024);
            socket.connect(server.localAddress(), 5_000);
            socket.setSoTimeout(10_000);
            pad = "p".repeat(padding);
            writer = Thread.ofVirtual().start(this::write);
        }

        private void write() {
            try {
                OutputStream out = socket.getOutputStream();
                long n = 0;
                while (!stop && bytes.get() < ATTEMPT_BYTES) {
                    StringBuilder batch = new StringBuilder();
                    for (int i = 0; i < 16; i++) {
                        batch.append("GET /seq/").append(n + i).append(" HTTP/1.1\r\nHost: x\r\nX-Pad: ").append(pad)
                                .append("\r\n\r\n");
                    }
                    byte[] raw = batch.toString().getBytes(StandardCharsets.US_ASCII);
                    out.write(raw);
                    n += 16;
                    requests.set(n);
                    bytes.addAndGet(raw.length);
                }
                out.write(("GET /seq/" + n + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                requests.set(n + 1);
            } catch (Throwable t) {
                failure = t;
            }
        }

        /**
         * Lets the writer end (with a request that closes the connection) and reads every answer:
         * in order, complete, each {@code bodyLength} bytes. {@return how many}
         */
        long stopAndReadAll(int bodyLength) throws Exception {
            stop = true;
            Reader reader = new Reader(socket);
            long count = 0;
            while (true) {
                Answer answer = reader.read(bodyLength);
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.header("X-Seq")).as("answers in request order").isEqualTo(Long.toString(count));
                count++;
                if ("close".equals(answer.header("Connection"))) {
                    break;
                }
            }
            assertThat(reader.in.read()).as("nothing after the last answer").isEqualTo(-1);
            assertThat(writer.join(Duration.ofSeconds(10))).as("the writer ended").isTrue();
            assertThat(failure).isNull();
            return count;
        }

        /** Closing the socket ends a write in progress; the writer then ends. */
        @Override
        public void close() throws IOException {
            stop = true;
            socket.close();
            try {
                writer.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A parsed answer; the body is kept only when it is short. */
    record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Reads answers framed by Content-Length from a buffered stream. */
    static final class Reader {
        final InputStream in;

        Reader(Socket socket) throws IOException {
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        }

        /** Reads one answer, checking its body is {@code bodyLength} bytes unless that is negative. */
        Answer read(int bodyLength) throws IOException {
            String statusLine = line();
            assertThat(statusLine).startsWith("HTTP/1.1 ");
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = line(); !line.isEmpty(); line = line()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            if (bodyLength >= 0) {
                assertThat(length).isEqualTo(bodyLength);
            }
            String body = "";
            if (length <= 1024) {
                body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                assertThat(body).hasSize(length);
            } else {
                in.skipNBytes(length);
            }
            return new Answer(Integer.parseInt(statusLine.substring(9, 12)), headers, body);
        }

        private String line() throws IOException {
            return HttpServerTest.readLine(in);
        }
    }
}
