package dev.spindle.perf.tls;

import dev.spindle.perf.Scripts;
import java.util.ArrayList;
import java.util.List;

/**
 * Immutable. One server of {@link HttpsComparison}, by the name {@code -Dservers=} gives it: the
 * command that starts it, to which the harness appends three arguments, {@code PORT CERT.pem KEY.pem}.
 *
 * <p>What every contender's program does with them: HTTPS/1.1 on 127.0.0.1:{@code PORT} answering
 * {@code GET /plaintext} ("Hello, World!", {@code text/plain}) and {@code GET /json}
 * ({@code {"message":"Hello, World!"}}, made per request) and honouring {@code Connection: close};
 * a TLS echo on 127.0.0.1:{@code PORT + 1} (every byte read is written back); both with that
 * certificate and key, TLS 1.3 offered, ALPN {@code http/1.1}, one event loop; then one line that
 * starts with {@code READY} on standard output once both listen. It runs until it is destroyed.
 *
 * <p>A JVM contender is a main class in this jar ({@link #jvm}): {@link SpindleHttpsServer},
 * {@link VertxHttpsServer}.
 */
public record HttpsContender(String name, List<String> command) {

    /** The contenders, in the order they run. */
    public static final String DEFAULT_SERVERS = "spindle,vertx,node";

    public HttpsContender {
        command = List.copyOf(command);
    }

    /** {@return the contender called {@code name}: {@code spindle}, {@code vertx} or {@code node}} */
    public static HttpsContender named(String name) {
        return switch (name) {
            case "vertx" -> jvm(name, VertxHttpsServer.class.getName(), List.of("--sun-misc-unsafe-memory-access=allow"));
            case "node" -> new HttpsContender(name, List.of("node", Scripts.node("https.js")));
            case "spindle" -> jvm(name, SpindleHttpsServer.class.getName(), List.of());
            default -> throw new IllegalArgumentException("no HTTPS contender called '" + name + "': spindle, vertx, node");
        };
    }

    /**
     * {@return a contender run as {@code java -Xms1g -Xmx1g <flags> -cp <this jar> <mainClass>}, the JDK
     * and class path of this process, as {@code HttpComparison} runs its JVM servers}
     */
    public static HttpsContender jvm(String name, String mainClass, List<String> flags) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("-Xms1g", "-Xmx1g"));
        command.addAll(flags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        return new HttpsContender(name, command);
    }

    /** {@return the full command for this port and certificate} */
    public List<String> command(int port, PemCertificate certificate) {
        List<String> full = new ArrayList<>(command);
        full.addAll(List.of(Integer.toString(port), certificate.certificate().toString(), certificate.key().toString()));
        return full;
    }
}
