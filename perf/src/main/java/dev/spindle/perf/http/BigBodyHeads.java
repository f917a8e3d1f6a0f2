package dev.spindle.perf.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Main thread only. The attack of issue 16 item 1, against any HTTP server on this machine: opens
 * {@code connections} connections that each send a head declaring a 1 MiB body and ten bytes of
 * it, then nothing; prints the server's resident set (from {@code /proc/<pid>/status}) before and
 * after, and whether another client is still answered. Works against Spindle, Vert.x, Node or
 * anything else that listens.
 *
 * <pre>
 * java -cp perf/target/benchmarks.jar dev.spindle.perf.http.BigBodyHeads &lt;port&gt; &lt;server pid&gt; [connections] [path]
 * </pre>
 */
public final class BigBodyHeads {

    private BigBodyHeads() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long pid = Long.parseLong(args[1]);
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        String path = args.length > 3 ? args[3] : "/";
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n0123456789")
                .getBytes(StandardCharsets.US_ASCII);
        System.out.printf("server RSS before: %d MB%n", rss(pid) >> 20);
        List<Socket> held = new ArrayList<>();
        int failed = 0;
        try {
            for (int i = 0; i < count && failed <= 20; i++) {
                Socket socket = new Socket();
                try {
                    socket.connect(server, 500);
                    socket.getOutputStream().write(head);
                    held.add(socket);
                } catch (IOException e) {
                    socket.close();
                    failed++;
                }
            }
            // What the server does with the heads, it does within a moment; then look.
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(3));
            System.out.printf("connections held: %d (%d failed); server RSS after: %d MB%n", held.size(), failed,
                    rss(pid) >> 20);
            System.out.println("another client: " + probe(server, path));
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    /** {@return how a GET of {@code path} on a new connection went: its status line and time, or why it failed} */
    private static String probe(InetSocketAddress server, String path) {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(server, 2_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = answer.indexOf('\r');
            return (end < 0 ? "no answer" : answer.substring(0, end)) + " in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms";
        } catch (IOException e) {
            return "failed: " + e;
        }
    }

    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
