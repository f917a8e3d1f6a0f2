package dev.spindle.io.http;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Test-thread only, except {@link #get} and {@link #connect}, which any thread may call. A
 * {@link ServerUnderAttack} in a JVM of its own with a small heap: started, asked for its stats over
 * HTTP (over HTTPS when it serves TLS), and stopped (its standard input closed, then killed if it
 * lingers) whatever happens to the test.
 */
final class AttackedServer implements AutoCloseable {

    /**
     * Serving HTTPS: the server's key store (made by {@link #keyStore}), and its handshake timeout.
     *
     * @param keyStore         a PKCS12 file holding one EC P-256 key and its self-signed certificate
     *                         for {@code localhost} and {@code 127.0.0.1}, opened with {@link #PASSWORD}
     * @param handshakeMillis  the TLS handshake timeout
     */
    record Tls(Path keyStore, long handshakeMillis) {

        static final String PASSWORD = "attacked";

        /**
         * {@return a new key store in {@code dir}, made by the JDK's keytool (no other tool needed):
         * an EC P-256 key and a self-signed certificate for localhost and 127.0.0.1, valid two days}
         */
        static Path keyStore(Path dir) throws IOException, InterruptedException {
            Path file = dir.resolve("attacked.p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process run = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                    "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", PASSWORD)
                    .redirectErrorStream(true).start();
            String said = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!run.waitFor(60, TimeUnit.SECONDS) || run.exitValue() != 0 || !Files.exists(file)) {
                run.destroyForcibly();
                throw new IOException("keytool did not make " + file + ": " + said);
            }
            return file;
        }

        /** {@return the trust managers of a client that trusts this key store's certificate, and only it} */
        TrustManager[] trust() throws IOException, GeneralSecurityException {
            KeyStore keys = KeyStore.getInstance(keyStore.toFile(), PASSWORD.toCharArray());
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("server", keys.getCertificate("server"));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            return factory.getTrustManagers();
        }
    }

    private final Process process;
    private final StringBuilder output = new StringBuilder();
    final InetSocketAddress address;
    /** Its plain TCP listener, the door. */
    final InetSocketAddress tcpAddress;
    /** How the server serves TLS, or null for plaintext HTTP. */
    final Tls tls;
    /** Trusting the server's certificate, for HTTPS clients; null for plaintext. */
    private final TrustManager[] trust;
    /** The probe's and the stats' client context: it may resume sessions. */
    private final SSLContext clientContext;

    /**
     * Starts the server with a heap of {@code heapMegabytes} and the given limits (see
     * {@link ServerUnderAttack}); {@return once it listens}
     */
    AttackedServer(int heapMegabytes, int maxBodySize, long headMillis, long bodyMillis, long idleMillis) throws IOException {
        this(heapMegabytes, maxBodySize, headMillis, bodyMillis, idleMillis, 10_000, 0, null);
    }

    /** As above, serving HTTPS as {@code tls} says (the TCP door stays plaintext). */
    AttackedServer(int heapMegabytes, int maxBodySize, long headMillis, long bodyMillis, long idleMillis, Tls tls)
            throws IOException {
        this(heapMegabytes, maxBodySize, headMillis, bodyMillis, idleMillis, 10_000, 0, tls);
    }

    /**
     * As above, its TCP door holding at most {@code tcpMaxConnections}, and the process allowed
     * {@code openFiles} file descriptors (through the shell's {@code ulimit -n}, soft and hard, so
     * the JVM cannot raise it); 0: the limit this process has.
     */
    AttackedServer(int heapMegabytes, int maxBodySize, long headMillis, long bodyMillis, long idleMillis,
            int tcpMaxConnections, int openFiles) throws IOException {
        this(heapMegabytes, maxBodySize, headMillis, bodyMillis, idleMillis, tcpMaxConnections, openFiles, null);
    }

    private AttackedServer(int heapMegabytes, int maxBodySize, long headMillis, long bodyMillis, long idleMillis,
            int tcpMaxConnections, int openFiles, Tls tls) throws IOException {
        this.tls = tls;
        try {
            this.trust = tls == null ? null : tls.trust();
            this.clientContext = tls == null ? null : newClientContext();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust " + tls.keyStore(), e);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>();
        if (openFiles > 0) {
            command.addAll(List.of("/bin/sh", "-c", "ulimit -n " + openFiles + " && exec \"$@\"", "sh"));
        }
        command.addAll(List.of(java, "-Xmx" + heapMegabytes + "m", "-XX:+UseSerialGC",
                "-cp", classPath(), ServerUnderAttack.class.getName(), Integer.toString(maxBodySize),
                Long.toString(headMillis), Long.toString(bodyMillis), Long.toString(idleMillis),
                Integer.toString(tcpMaxConnections)));
        if (tls != null) {
            command.addAll(List.of(tls.keyStore().toString(), Tls.PASSWORD, Long.toString(tls.handshakeMillis())));
        }
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

    /**
     * {@return a new client TLS context trusting this server: with nothing cached, so that its
     * first connection's handshake is a full one}
     */
    SSLContext newClientContext() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust, null);
        return context;
    }

    /**
     * {@return a new connection to the HTTP server, its TLS handshake done if it serves TLS (with
     * the shared client context, which may resume a session)}
     */
    Socket connect(int timeoutMillis) throws IOException {
        return connect(clientContext, timeoutMillis);
    }

    /** {@return a new connection to the HTTP server; under TLS, handshaken with {@code context}, checking the name 127.0.0.1} */
    Socket connect(SSLContext context, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            return tls == null ? socket : handshake(socket, context);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * {@return a TLS socket over {@code connected} (a connection to this server), its handshake
     * done with {@code context}} Closing it closes {@code connected}; a test may still write on
     * {@code connected} what the TLS layer never would.
     */
    SSLSocket handshake(Socket connected, SSLContext context) throws IOException {
        SSLSocket secure = (SSLSocket) context.getSocketFactory().createSocket(connected, "127.0.0.1", address.getPort(), true);
        SSLParameters parameters = secure.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        secure.setSSLParameters(parameters);
        secure.startHandshake();
        return secure;
    }

    /** {@return the body of a GET of {@code path} on a new connection, which must be answered 200 within {@code timeoutMillis}} */
    String get(String path, int timeoutMillis) throws IOException {
        try (Socket socket = connect(timeoutMillis)) {
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

    /** Waits up to 30 s for the server's stats to meet {@code condition}, or fails saying {@code what} was awaited. */
    void awaitStats(Predicate<Map<String, Long>> condition, String what) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<String, Long> stats = stats();
        while (!condition.test(stats)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within 30 s: " + what + "; stats " + stats + "\nserver log:\n" + output());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // polling another process's counts
            stats = stats();
        }
    }

    /** Asserts that the server lives, its heap after a collection and its resident set within these bounds, no loop failed. */
    void assertBoundedMemory(long heapBound, long rssBound) throws IOException {
        Map<String, Long> stats = stats();
        assertThat(stats.get("heapAfterGc")).as("heap after GC, bytes; stats %s", stats).isLessThan(heapBound);
        if (stats.get("rss") > 0) {
            assertThat(stats.get("rss")).as("resident set, bytes; stats %s", stats).isLessThan(rssBound);
        }
        assertThat(stats.get("loopFailures")).as("errors on the loop").isZero();
        assertThat(isAlive()).isTrue();
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
