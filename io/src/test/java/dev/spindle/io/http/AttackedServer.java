package dev.spindle.io.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Test-thread only. A {@link ServerUnderAttack} in a JVM of its own with a small heap: started,
 * asked for its stats over HTTP, and stopped (its standard input closed, then killed if it lingers)
 * whatever happens to the test.
 */
final class AttackedServer implements AutoCloseable {

    private final Process process;
    private final StringBuilder output = new StringBuilder();
    final InetSocketAddress address;
    /** Its plain TCP listener, the door. */
    final InetSocketAddress tcpAddress;

    /**
     * Starts the server with a heap of {@code heapMegabytes} and the given limits (see
     * {@link ServerUnderAttack}); {@return once it listens}
     */
    AttackedServer(int heapMegabytes, int maxBodySize, long headMillis, long bodyMillis, long idleMillis) throws IOException {
        this(heapMegabytes, maxBodySize, headMillis, bodyMillis, idleMillis, 10_000, 0);
    }

    /**
     * As above, its TCP door holding at most {@code tcpMaxConnections}, and the process allowed
     * {@code openFiles} file descriptors (through the shell's {@code ulimit -n}, soft and hard, so
     * the JVM cannot raise it); 0: the limit this process has.
     */
    AttackedServer(int heapMegabytes, int maxBodySize, long headMillis, long bodyMillis, long idleMillis,
            int tcpMaxConnections, int openFiles) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>();
        if (openFiles > 0) {
            command.addAll(List.of("/bin/sh", "-c", "ulimit -n " + openFiles + " && exec \"$@\"", "sh"));
        }
        command.addAll(List.of(java, "-Xmx" + heapMegabytes + "m", "-XX:+UseSerialGC",
                "-cp", classPath(), ServerUnderAttack.class.getName(), Integer.toString(maxBodySize),
                Long.toString(headMillis), Long.toString(bodyMillis), Long.toString(idleMillis),
                Integer.toString(tcpMaxConnections)));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            int port = -1;
            int tcpPort = -1;
            for (String line; port < 0 && (line = lines.readLine()) != null; ) {
                append(line);
                if (line.startsWith("PORT ")) {
                    port = Integer.parseInt(line.substring(5).trim());
                } else if (line.startsWith("TCPPORT ")) {
                    tcpPort = Integer.parseInt(line.substring(8).trim());
                }
            }
            if (port < 0 || tcpPort < 0) {
                throw new IOException("the server under attack ended before it listened:\n" + output());
            }
            address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            tcpAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), tcpPort);
            Thread.ofVirtual().start(() -> drain(lines));
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The module path and the class path as one class path: the forked server needs no module layout. */
    private static String classPath() {
        String modules = System.getProperty("jdk.module.path", "");
        String classes = System.getProperty("java.class.path", "");
        return modules.isEmpty() ? classes : classes.isEmpty() ? modules : modules + java.io.File.pathSeparator + classes;
    }

    private void drain(BufferedReader lines) {
        try {
            for (String line; (line = lines.readLine()) != null; ) {
                append(line);
            }
        } catch (IOException ended) {
            // The process is gone: what it said is kept.
        }
    }

    private synchronized void append(String line) {
        if (output.length() < 200_000) {
            output.append(line).append('\n');
        }
    }

    /** {@return what the server printed so far (its log), for a failure's message} */
    synchronized String output() {
        return output.toString();
    }

    /** {@return the file descriptors the server holds now, from /proc} */
    long openFiles() throws IOException {
        try (var descriptors = java.nio.file.Files.list(java.nio.file.Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return descriptors.count();
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** {@return the server's counts and memory (see {@link ServerUnderAttack}), asked for on a new connection} */
    Map<String, Long> stats() throws IOException {
        String body = get("/stats", 20_000);
        Map<String, Long> stats = new HashMap<>();
        for (String line : body.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                stats.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1).trim()));
            }
        }
        return stats;
    }

    /** {@return the body of a GET of {@code path} on a new connection, which must be answered 200 within {@code timeoutMillis}} */
    String get(String path, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            if (!answer.startsWith("HTTP/1.1 200 ")) {
                throw new IOException("GET " + path + " answered: '" + answer + "'; server log:\n" + output());
            }
            return answer.substring(answer.indexOf("\r\n\r\n") + 4);
        }
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // its signal to end
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }
}
