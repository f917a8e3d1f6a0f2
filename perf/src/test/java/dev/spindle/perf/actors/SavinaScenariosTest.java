package dev.spindle.perf.actors;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each runtime's Savina scenarios finish at small sizes, with their own checks passing (chameneos
 * meets twice per meeting, counting counts every message): a protocol that deadlocks or loses a
 * message fails here, not halfway through a report. No figure is judged.
 */
@Timeout(120)
class SavinaScenariosTest {

    @ParameterizedTest
    @ValueSource(strings = {"spindle", "pekko"})
    void shouldFinishEverySavinaScenario(String runtime) throws Exception {
        try (Contender contender = ActorBench.contender(runtime)) {
            assertThat(contender.chameneos(10, 2_000)).as("chameneos").isPositive();
            assertThat(contender.big(12, 500)).as("big").isPositive();
            // 20 accounts and 5,000 transfers: each account is asked ~250 times, most while it waits (stash).
            assertThat(contender.banking(20, 5_000)).as("banking").isPositive();
            assertThat(contender.threadRing(10, 1_000)).as("thread ring").isPositive();
            assertThat(contender.counting(10_000)).as("counting").isPositive();
            assertThat(contender.forkJoinThroughput(6, 1_000)).as("fork-join throughput").isPositive();
            assertThat(contender.forkJoinCreation(1_000)).as("fork-join creation").isPositive();
        }
    }
}
