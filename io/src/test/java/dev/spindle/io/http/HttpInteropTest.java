package dev.spindle.io.http;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.Behavior;
import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The HTTP server against a real load generator: {@code wrk} (4.1), keep-alive and pipelined, on
 * one loop and on two. wrk is a test dependency like curl: {@code ./test} installs both.
 */
class HttpInteropTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    /** Every 4th request of a connection goes to a path with no route: the router answers 404. */
    private static final String EVERY_FOURTH_MISSING = """
            local n = 0
            request = function()
              n = n + 1
              if n % 4 == 0 then
                return wrk.format(nil, "/missing")
              end
              return wrk.format(nil, "/hello")
            end
            """;

    @TempDir
    Path dir;

    private final ActorTestKit kit = ActorTestKit.create();
    /** Requests the route actor answered. */
    private final AtomicLong answered = new AtomicLong();

    @BeforeAll
    static void requireWrk() {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "wrk"))) {
                return;
            }
        }
        fail("wrk is not on the PATH; these tests run it against the server. Run ./test at the repository root "
                + "(it installs wrk and curl if missing, then runs mvn -B -ntp verify) or `apt-get install wrk`.");
    }

    @AfterEach
    void close() {
        kit.close();
    }

    /** What wrk printed, and the two figures we check. */
    record WrkRun(String output, long requests, long non2xx) {
    }

    @ParameterizedTest(name = "{0} loop(s)")
    @ValueSource(ints = {1, 2})
    void shouldServeWrkKeepAliveWithoutErrors(int loops) throws Exception {
        try (Io io = Io.create(IoConfig.defaults().withLoops(loops)); HttpServer server = start(io)) {
            WrkRun run = wrk(server, "/hello", "-t1", "-c20", "-d2s", "--latency");
            assertClean(run, 2_000);
            // Every request wrk counted was answered by the actor; at most one per connection was
            // answered after wrk stopped counting.
            assertThat(answered.get()).as(run.output()).isBetween(run.requests(), run.requests() + 20);
        }
    }

    @ParameterizedTest(name = "{0} loop(s)")
    @ValueSource(ints = {1, 2})
    void shouldServeWrkPipelined16DeepWithoutErrors(int loops) throws Exception {
        try (Io io = Io.create(IoConfig.defaults().withLoops(loops)); HttpServer server = start(io)) {
            WrkRun run = wrk(server, "/hello", "-t1", "-c20", "-d2s", "--latency", "-s",
                    pipelineScript().toString(), "--", "16");
            assertClean(run, 20_000);
            assertThat(answered.get()).as(run.output()).isBetween(run.requests(), run.requests() + 20 * 16);
        }
    }

    /**
     * Proves the checks above can fail: one connection, so wrk's requests complete in the order
     * its script made them, and exactly every 4th of the completed ones is a 404.
     */
    @Test
    void shouldHaveWrkCountExactlyThe404sAsNon2xx() throws Exception {
        Path script = Files.writeString(dir.resolve("every-fourth-missing.lua"), EVERY_FOURTH_MISSING);
        try (Io io = Io.create(IoConfig.defaults().withLoops(1)); HttpServer server = start(io)) {
            WrkRun run = wrk(server, "/hello", "-t1", "-c1", "-d2s", "-s", script.toString());
            assertThat(run.output()).doesNotContain("Socket errors");
            assertThat(run.requests()).as(run.output()).isGreaterThanOrEqualTo(400);
            // wrk may call request() once more while setting the thread up, before the first real
            // request: then the 404s are the 3rd, 7th, ... of those sent, one more in every four.
            assertThat(run.non2xx()).as(run.output()).isIn(run.requests() / 4, (run.requests() + 1) / 4);
            long ok = run.requests() - run.non2xx();
            assertThat(answered.get()).as(run.output()).isBetween(ok, ok + 1);
        }
    }

    private HttpServer start(Io io) throws IOException {
        ActorRef<HttpRequest> hello = kit.spawn((ctx, request) -> {
            request.respond(200, "text/plain", "Hello, World!");
            answered.incrementAndGet();
            return Behavior.same();
        });
        return HttpServer.listen(io, ANY_PORT, HttpServerOptions.defaults(), Router.builder().get("/hello", hello).build());
    }

    /** Runs wrk on {@code path} to its end (bounded); options after a {@code --} go to its script. */
    private WrkRun wrk(HttpServer server, String path, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("wrk"));
        List<String> rest = List.of(options);
        int scriptArguments = rest.indexOf("--");
        command.addAll(scriptArguments < 0 ? rest : rest.subList(0, scriptArguments));
        command.add("http://127.0.0.1:" + server.localAddress().getPort() + path);
        if (scriptArguments >= 0) {
            command.addAll(rest.subList(scriptArguments, rest.size()));
        }
        Path out = dir.resolve("wrk-" + System.nanoTime() + ".txt");
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertThat(wrk.waitFor(30, TimeUnit.SECONDS)).as("%s ended within 30 s", command).isTrue();
        } finally {
            wrk.destroyForcibly();
        }
        String output = Files.readString(out);
        assertThat(wrk.exitValue()).as("%s: %s", command, output).isZero();
        Matcher requests = REQUESTS.matcher(output);
        assertThat(requests.find()).as("wrk printed its request count: %s", output).isTrue();
        Matcher non2xx = NON_2XX.matcher(output);
        WrkRun run = new WrkRun(output, Long.parseLong(requests.group(1)), non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0);
        System.out.printf("HttpInteropTest: %s: %d requests, %d non-2xx%n", String.join(" ", command), run.requests(),
                run.non2xx());
        return run;
    }

    /** At least {@code minimum} requests, no socket error (connect, read, write, timeout), every answer 2xx. */
    private static void assertClean(WrkRun run, long minimum) {
        assertThat(run.requests()).as(run.output()).isGreaterThanOrEqualTo(minimum);
        assertThat(run.output()).doesNotContain("Socket errors").doesNotContain("Non-2xx or 3xx responses");
        assertThat(run.non2xx()).isZero();
    }

    /** perf/wrk/pipeline.lua, the script the benchmarks use, found from the module's directory up. */
    private static Path pipelineScript() {
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            Path script = at.resolve("perf/wrk/pipeline.lua");
            if (Files.isRegularFile(script)) {
                return script;
            }
        }
        throw new AssertionError("perf/wrk/pipeline.lua not found above " + Path.of("").toAbsolutePath());
    }
}
