package dev.spindle.perf.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The HTTPS allocation benchmark's states and operations, run a few hundred times outside JMH
 * (a few seconds: keytool, handshakes, a cold engine): Spindle's HTTPS server answers every request
 * over TLS 1.3 with a 200 and the route's body, pipelined too, the TLS echo returns what was sent,
 * and the allocation is measured per operation with the client thread's share apart. Nothing here
 * is timed.
 */
class HttpsAllocationSmokeTest {

    private static final int ROUNDS = 200;

    private final HttpsAllocationBenchmark benchmark = new HttpsAllocationBenchmark();

    @Test
    void shouldAnswerEveryHttpsRequestOnEveryConnectionAndMeasureTheServersShare() throws Exception {
        HttpsAllocationBenchmark.Https state = https("json", 1, 1);
        try {
            assertThat(state.negotiated).startsWith("TLSv1.3 ");
            state.startIteration();
            for (int i = 0; i < ROUNDS; i++) {
                // A 200 with a Content-Length was parsed; its size is the head plus the 27-byte JSON body.
                assertThat(benchmark.request(state)).isGreaterThan(27);
            }
            state.endIteration();
        } finally {
            state.tearDown();
        }
        assertThat(state.operations).isEqualTo(ROUNDS + 0L);
        assertMeasured(state.lastSplit, ROUNDS);
    }

    @Test
    void shouldAnswerSixteenPipelinedRequestsPerBatchOnSeveralConnections() throws Exception {
        HttpsAllocationBenchmark.Https state = https("plaintext", HttpsAllocationBenchmark.PIPELINE, 3);
        try {
            state.startIteration();
            for (int i = 0; i < ROUNDS / 10; i++) {
                assertThat(benchmark.pipelined(state)).isGreaterThan(HttpsAllocationBenchmark.PIPELINE * Routes.HELLO.length);
            }
            state.endIteration();
        } finally {
            state.tearDown();
        }
        assertMeasured(state.lastSplit, ROUNDS / 10 * HttpsAllocationBenchmark.PIPELINE);
    }

    @Test
    void shouldEchoOverTls() throws Exception {
        HttpsAllocationBenchmark.Echo state = new HttpsAllocationBenchmark.Echo();
        state.connections = 2;
        state.suite = "TLS_AES_128_GCM_SHA256";
        state.start();
        try {
            assertThat(state.negotiated).isEqualTo("TLSv1.3 TLS_AES_128_GCM_SHA256");
            state.startIteration();
            for (int i = 0; i < ROUNDS; i++) {
                benchmark.echo(state); // throws unless exactly 128 bytes come back
            }
            state.endIteration();
        } finally {
            state.tearDown();
        }
        assertMeasured(state.lastSplit, ROUNDS);
    }

    private static HttpsAllocationBenchmark.Https https(String route, int batch, int connections) throws Exception {
        HttpsAllocationBenchmark.Https state = new HttpsAllocationBenchmark.Https();
        state.connections = connections;
        state.suite = HttpsAllocationBenchmark.DEFAULT_SUITE;
        state.route = route;
        state.batch = batch;
        state.start();
        return state;
    }

    private static void assertMeasured(ThreadAllocation.Split split, long operations) {
        assertThat(split.operations()).isEqualTo(operations);
        // Both ends run an engine, which allocates on every wrap and unwrap.
        assertThat(split.client()).isPositive();
        assertThat(split.serverPerOperation()).isPositive();
        assertThat(split.total()).isGreaterThanOrEqualTo(split.client());
    }
}
