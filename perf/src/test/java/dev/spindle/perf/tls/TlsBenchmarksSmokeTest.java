package dev.spindle.perf.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The TLS floor benchmark's state and operations, run a few times outside JMH (about two seconds,
 * mostly keytool and a cold handshake): the engines handshake, negotiate what was asked, and every
 * operation checks what it moved. Nothing here is timed.
 */
class TlsBenchmarksSmokeTest {

    @Test
    void shouldExchangeOnBothEndsThenServeRecordsTheClientMade() throws Exception {
        TlsEngineFloorBenchmark floor = new TlsEngineFloorBenchmark();
        TlsEngineFloorBenchmark.ClientRecords pair = new TlsEngineFloorBenchmark.ClientRecords();
        pair.suite = "TLSv1.3:TLS_AES_128_GCM_SHA256";
        pair.requestSize = 120;
        pair.responseSize = 16_384; // two records: the wrap and unwrap loops
        pair.buffers = "heap";
        pair.handshake();
        assertThat(pair.client.getSession().getCipherSuite()).isEqualTo("TLS_AES_128_GCM_SHA256");

        for (int i = 0; i < 3; i++) {
            assertThat(floor.exchange(pair)).isEqualTo(16_384);
        }
        // After the exchanges: the server's answers from here on are dropped, the client never reads again.
        ServerShare share = new ServerShare();
        pair.makeRecords();
        assertThat(floor.server(pair, share)).isGreaterThan(TlsEngineFloorBenchmark.BATCH * 16_384);
        assertThat(share.serverOps).isEqualTo(TlsEngineFloorBenchmark.BATCH);
        assertThat(share.serverBytes).isPositive();
        assertThat(share.serverCpuNanos).isPositive();
    }
}
