package dev.spindle.actors;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {

    private static final long MS = 1_000_000;
    private static final long S = 1_000 * MS;

    @Test
    void shouldDoubleTheWaitPerFailureUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(700), 0, 10, Duration.ofMinutes(1));
        assertThat(backoff.delayNanos(1, 0.5)).isEqualTo(100 * MS);
        assertThat(backoff.delayNanos(2, 0.5)).isEqualTo(200 * MS);
        assertThat(backoff.delayNanos(3, 0.5)).isEqualTo(400 * MS);
        assertThat(backoff.delayNanos(4, 0.5)).isEqualTo(700 * MS);
        assertThat(backoff.delayNanos(1_000, 0.5)).isEqualTo(700 * MS);
        assertThat(new Backoff(Duration.ZERO, Duration.ZERO, 1, 10, Duration.ofMinutes(1)).delayNanos(5, 0.9)).isZero();
    }

    @Test
    void shouldAddAtMostTheJitterFractionOfTheWait() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.5, 10, Duration.ofMinutes(1));
        assertThat(backoff.delayNanos(2, 0.0)).isEqualTo(200 * MS);
        assertThat(backoff.delayNanos(2, 0.5)).isEqualTo(250 * MS);
        assertThat(backoff.delayNanos(2, 0.999)).isLessThan(300 * MS);
    }

    @Test
    void shouldGiveUpOnTheFailureOneMoreThanMaxRestartsWithinTheWindow() {
        Backoff backoff = new Backoff(Duration.ofMillis(10), Duration.ofMillis(50), 0, 2, Duration.ofMinutes(1));
        Backoff.Failures failures = new Backoff.Failures();
        assertThat(failures.next(backoff, 0)).isEqualTo(10 * MS);
        assertThat(failures.next(backoff, S)).isEqualTo(20 * MS);
        assertThat(failures.next(backoff, 2 * S)).isEqualTo(Backoff.GIVE_UP);
        assertThat(failures.count()).isEqualTo(3);
    }

    @Test
    void shouldCountFailuresInASlidingWindowSoThatARunAcrossAWindowsEdgeGivesUp() {
        // A tumbling window from the first failure would allow all four (two, then two more after it).
        Backoff backoff = new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1), 0, 2, Duration.ofSeconds(60));
        Backoff.Failures failures = new Backoff.Failures();
        assertThat(failures.next(backoff, 0)).isNotEqualTo(Backoff.GIVE_UP);
        assertThat(failures.next(backoff, 59 * S)).isNotEqualTo(Backoff.GIVE_UP);
        assertThat(failures.next(backoff, 61 * S)).isEqualTo(20 * MS); // the first left the window
        assertThat(failures.next(backoff, 62 * S)).isEqualTo(Backoff.GIVE_UP);
    }

    @Test
    void shouldStartAFreshRunAfterAQuietWindowOrAClear() {
        Backoff backoff = new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1), 0, 3, Duration.ofSeconds(10));
        Backoff.Failures failures = new Backoff.Failures();
        failures.next(backoff, 0);
        failures.next(backoff, S);
        assertThat(failures.next(backoff, 30 * S)).as("after a quiet window").isEqualTo(10 * MS);
        failures.next(backoff, 31 * S);
        failures.clear();
        assertThat(failures.count()).isZero();
        assertThat(failures.next(backoff, 32 * S)).as("after a clear").isEqualTo(10 * MS);
    }

    @Test
    void shouldHoldNoMoreFailuresThanThePolicyCanCount() {
        Backoff backoff = new Backoff(Duration.ZERO, Duration.ZERO, 0, 5, Duration.ofDays(1));
        Backoff.Failures failures = new Backoff.Failures();
        for (int i = 0; i < 10_000; i++) {
            failures.next(backoff, i);
        }
        assertThat(failures.count()).isEqualTo(6);
    }

    @Test
    void shouldNameTheWrongFieldAndBeWhatARestartStrategyPacesBy() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0, 1, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minBackoff <= maxBackoff");
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ZERO, 1.5, 1, Duration.ofMinutes(1)))
                .hasMessageContaining("jitter");
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ZERO, 0, -1, Duration.ofMinutes(1)))
                .hasMessageContaining("maxRestarts");
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ZERO, 0, 1, Duration.ZERO))
                .hasMessageContaining("window");
        assertThatThrownBy(() -> SupervisorStrategy.restart().withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0))
                .hasMessageContaining("minBackoff <= maxBackoff");
        assertThat(SupervisorStrategy.restart().withBackoff(Duration.ofMillis(1), Duration.ofMillis(4), 0.2)
                .withLimit(2, Duration.ofMinutes(1)).backoff())
                .isEqualTo(new Backoff(Duration.ofMillis(1), Duration.ofMillis(4), 0.2, 2, Duration.ofMinutes(1)));
    }
}
