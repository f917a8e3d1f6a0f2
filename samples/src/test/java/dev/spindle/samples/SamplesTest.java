package dev.spindle.samples;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.cluster.ClusterConfig;
import dev.spindle.cluster.ClusterPrimary;
import dev.spindle.cluster.Worker;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import dev.spindle.io.TcpListener;
import dev.spindle.io.http.HttpMethod;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/** The io samples answer real clients. */
class SamplesTest {

    @Test
    void clusterHelloShouldServeOnePortFromTwoWorkersAndRestartOneThatCrashes() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ClusterConfig config = ClusterHello.CONFIG.withWorkers(2).withWorkerMain(ClusterHello.class)
                .withExtraJvmArgs("-Dport=" + port);
        try (ActorSystem system = ActorSystem.create("cluster-hello-test");
                ClusterPrimary primary = ClusterHello.startPrimary(system, config)) {
            // Both workers answer on the one port (the kernel picks one per connection).
            java.util.Set<String> workers = new java.util.HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (workers.size() < 2) {
                assertThat(System.nanoTime() - deadline).as("both workers answer within 60 s: %s", workers).isNegative();
                String answer = httpOrNull(port, "GET", "/");
                if (answer != null) {
                    assertThat(answer).startsWith("hello from worker ");
                    workers.add(answer.substring(0, "hello from worker 1".length()));
                }
            }
            // A worker asks the primary over IPC and answers with what it said.
            String cluster = httpOrNull(port, "GET", "/cluster");
            assertThat(cluster).contains("worker 1: online", "worker 2: online");

            String crash = httpOrNull(port, "POST", "/crash");
            assertThat(crash).contains("crashes now");
            int crashed = Integer.parseInt(crash.substring("worker ".length(), "worker ".length() + 1));
            String line = null;
            while (line == null || !(line.contains(": online") && line.endsWith("started 2×"))) {
                assertThat(System.nanoTime() - deadline).as("worker %d restarted and online within 60 s: %s", crashed, line)
                        .isNegative();
                String status = httpOrNull(port, "GET", "/cluster");
                line = status == null ? null : status.lines().filter(l -> l.startsWith("worker " + crashed + ":"))
                        .findFirst().orElse(null);
            }
            Worker worker = primary.worker(crashed);
            assertThat(worker.incarnation()).isEqualTo(2);
            assertThat(line).contains("pid " + worker.pid().orElseThrow());
        }
    }

    /** {@return the body of {@code method path} on a new connection, or null if nothing listens yet} */
    private static String httpOrNull(int port, String method, String path) throws Exception {
        try {
            String response = response(port, method, path);
            int body = response.indexOf("\r\n\r\n");
            return body < 0 ? null : response.substring(body + 4);
        } catch (java.net.SocketException e) { // refused, or reset by a worker that is going away
            return null;
        }
    }

    /** {@return the whole answer to {@code method path} on a new connection} */
    private static String response(int port, String method, String path) throws Exception {
        try (Socket socket = connect(port)) {
            socket.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void httpHelloShouldAnswerItsRoutes() throws Exception {
        try (ActorSystem system = ActorSystem.create("http-hello-test"); Io io = Io.create(IoConfig.defaults().withLoops(1))) {
            HttpServer server = HttpHello.start(system, io, 0);
            try (Socket socket = connect(server.localAddress().getPort())) {
                OutputStream out = socket.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                out.write(("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /fib/20 HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde").getBytes(StandardCharsets.US_ASCII));
                assertThat(body(in)).isEqualTo("Hello, World!");
                assertThat(body(in)).isEqualTo("fib(20) = 6765\n");
                assertThat(body(in)).isEqualTo("5 bytes (5 so far)\n");
            }
        }
    }

    @Test
    void httpHelloShouldRefuseAFibonacciNumberItCannotComputeQuicklyAndStopOneWhoseClientLeft() throws Exception {
        AtomicLong abandoned = new AtomicLong();
        try (ActorSystem system = ActorSystem.create("http-hello-fib-test"); Io io = Io.create(IoConfig.defaults().withLoops(1))) {
            ActorRef<HttpHello.Fib> fib = system.spawn(HttpHello.fibonacci(abandoned), "fib");
            HttpServer server = HttpServer.listen(io, new InetSocketAddress("127.0.0.1", 0), HttpServerOptions.defaults(),
                    Router.builder().route(HttpMethod.GET, "/fib/:n", fib, HttpHello.Fib.Asked::new).build());
            int port = server.localAddress().getPort();
            for (String n : List.of("forty", "-1", "40", "99999999999999999999")) {
                assertThat(response(port, "GET", "/fib/" + n)).as("/fib/%s", n).startsWith("HTTP/1.1 400")
                        .contains("\r\n\r\nn must be a whole number from 0 to 39");
            }
            // A client asks for the slowest, and leaves: the worker computing it is stopped.
            try (Socket client = connect(port)) {
                client.getOutputStream().write("GET /fib/39 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(reader(client).readLine()).isEqualTo("HTTP/1.1 200 OK"); // the head comes at once
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (abandoned.get() == 0) {
                assertThat(System.nanoTime() - deadline).as("fib(39) stopped within 10 s").isNegative();
                Thread.onSpinWait();
            }
        }
    }

    @Test
    void httpHelloShouldStreamEventsAndReadAnUploadAtItsPace() throws Exception {
        try (ActorSystem system = ActorSystem.create("http-hello-stream-test"); Io io = Io.create(IoConfig.defaults().withLoops(1))) {
            HttpServer server = HttpHello.start(system, io, 0);
            String base = "http://127.0.0.1:" + server.localAddress().getPort();
            // Two events of the clock (the greeting, then a tick), as curl -N shows them.
            Process events = new ProcessBuilder("curl", "-sS", "-N", "--max-time", "5", base + "/events").start();
            try {
                BufferedReader lines = new BufferedReader(new InputStreamReader(events.getInputStream(), StandardCharsets.UTF_8));
                assertThat(lines.readLine()).startsWith("data: hello");
                assertThat(lines.readLine()).isEmpty();
                assertThat(lines.readLine()).startsWith("data: 20"); // an ISO instant
            } finally {
                events.destroyForcibly();
            }
            byte[] data = new byte[5_000_000];
            new Random(7).nextBytes(data);
            CRC32 crc = new CRC32();
            crc.update(data);
            Path file = Files.createTempFile("upload", ".bin");
            try {
                Files.write(file, data);
                Process upload = new ProcessBuilder("curl", "-sS", "-T", file.toString(), base + "/upload")
                        .redirectErrorStream(true).start();
                String out = new String(upload.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(upload.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(out).isEqualTo(data.length + " bytes, crc32 " + Long.toHexString(crc.getValue()) + "\n");
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    @Test
    void tcpChatShouldPassALineToTheOthers() throws Exception {
        try (ActorSystem system = ActorSystem.create("tcp-chat-test"); Io io = Io.create(IoConfig.defaults().withLoops(1))) {
            TcpListener listener = TcpChat.start(system, io, 0);
            int port = listener.localAddress().getPort();
            try (Socket alice = connect(port)) {
                BufferedReader aliceIn = reader(alice);
                assertThat(aliceIn.readLine()).startsWith("welcome");
                try (Socket bob = connect(port)) {
                    BufferedReader bobIn = reader(bob);
                    assertThat(bobIn.readLine()).startsWith("welcome");
                    assertThat(aliceIn.readLine()).endsWith("joined");
                    bob.getOutputStream().write("hi al".getBytes(StandardCharsets.UTF_8));
                    bob.getOutputStream().write("ice\n".getBytes(StandardCharsets.UTF_8));
                    assertThat(aliceIn.readLine()).isEqualTo("guest-" + bob.getLocalPort() + ": hi alice");
                }
                assertThat(aliceIn.readLine()).endsWith("left");
            }
        }
    }

    private static Socket connect(int port) throws Exception {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static BufferedReader reader(Socket socket) throws Exception {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Reads one answer (headers, then a Content-Length or chunked body of ASCII text) and returns its body. */
    private static String body(BufferedReader in) throws Exception {
        assertThat(in.readLine()).startsWith("HTTP/1.1 200");
        int length = -1;
        for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        if (length < 0) { // chunked: size lines in hex, each chunk, then a chunk of 0
            StringBuilder body = new StringBuilder();
            for (int size; (size = Integer.parseInt(in.readLine(), 16)) > 0; in.readLine()) {
                body.append(read(in, size));
            }
            assertThat(in.readLine()).isEmpty();
            return body.toString();
        }
        return read(in, length);
    }

    private static String read(BufferedReader in, int length) throws Exception {
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
            read += in.read(body, read, length - read);
        }
        return new String(body);
    }
}
