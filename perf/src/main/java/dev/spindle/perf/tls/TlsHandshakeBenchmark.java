package dev.spindle.perf.tls;

import dev.spindle.io.tls.TlsClientContext;
import dev.spindle.io.tls.TlsClientOptions;
import dev.spindle.io.tls.TlsServerContext;
import dev.spindle.io.tls.TlsServerOptions;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full TLS 1.3 handshake per operation between a new client and a new server
 * {@code SSLEngine} from Spindle's {@link TlsClientContext} and {@link TlsServerContext}, pumped
 * in one thread with delegated tasks run inline: the CPU both ends spend, by certificate key type
 * ({@code EC_P256} or {@code RSA_2048}, made by {@code keytool} at setup). The client checks the
 * chain and the host name as Spindle's client does. No resumption: each client engine is for a new
 * port and its session is invalidated after the handshake, so every handshake is a full one
 * (checked with {@code -Djavax.net.debug=ssl:handshake}: with neither, the JDK's client resumes
 * with a PSK, and the server's key manager is still asked for a certificate, so its counters cannot
 * tell). With the JDK's default suite order the handshakes negotiate {@code TLS_AES_256_GCM_SHA384}.
 * The score (wall time) covers both ends, and so does {@code cpuNanos / serverOps} (the thread's CPU,
 * which a loaded machine's preemptions do not inflate); {@code serverCpuNanos / serverOps} and
 * {@code serverBytes / serverOps} are the server engine's share, read around its calls and tasks.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TlsHandshakeBenchmark {

    /** Both contexts, one certificate, and the pump's buffers, made once. */
    @State(Scope.Thread)
    public static class Contexts {

        /** The server certificate's key: {@code EC_P256} or {@code RSA_2048}. */
        @Param({"EC_P256", "RSA_2048"})
        public String key;

        TlsServerContext server;
        TlsClientContext client;
        EnginePump pump;
        int port;

        @Setup(Level.Trial)
        public void contexts() throws IOException, InterruptedException {
            try (SelfSignedStores stores = SelfSignedStores.create(SelfSignedStores.KeyType.valueOf(key))) {
                server = TlsServerContext.create(TlsServerOptions.of(stores.key()).withProtocols("TLSv1.3"));
                client = TlsClientContext.create(TlsClientOptions.defaults().withTrust(stores.trust())
                        .withProtocols("TLSv1.3"));
            }
            pump = new EnginePump(server.newEngine());
        }

        /** {@return a port for the next client engine: the JDK caches client sessions by host and port} */
        int nextPort() {
            port = port == 65_535 ? 1 : port + 1;
            return port;
        }
    }

    @Benchmark
    public SSLEngine handshake(Contexts contexts, ServerShare share) throws SSLException {
        long cpu = ServerShare.cpuTime();
        SSLEngine client = contexts.client.newEngine(SelfSignedStores.HOST, contexts.nextPort());
        SSLEngine server = contexts.server.newEngine("127.0.0.1", 50_000);
        contexts.pump.handshake(client, server, share);
        share.count(1);
        client.getSession().invalidate();
        share.cpuNanos += ServerShare.cpuTime() - cpu;
        return server;
    }
}
