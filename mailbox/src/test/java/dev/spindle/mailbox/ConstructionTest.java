package dev.spindle.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Bad configuration gets a clear error at construction. */
class ConstructionTest {

    private final CountingDeadLetterSink sink = new CountingDeadLetterSink();

    @Test
    void shouldRefuseARingThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> new MpscRingMailbox<>(100, OverflowPolicy.FAIL, sink))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("power of two");
    }

    @Test
    void shouldRefuseARingThatDropsItsOldest() {
        assertThatThrownBy(() -> new MpscRingMailbox<>(64, OverflowPolicy.DROP_OLDEST, sink))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MpscBoundedMailbox");
    }

    @Test
    void shouldRoundABoundedCapacityUpToAPowerOfTwo() {
        assertThat(new MpscBoundedMailbox<>(100, OverflowPolicy.FAIL, sink).capacity()).isEqualTo(128);
        assertThatThrownBy(() -> new MpscBoundedMailbox<>(1, OverflowPolicy.FAIL, sink))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseTinyChunksAndMissingSinks() {
        assertThatThrownBy(() -> new MpscChunkedMailbox<>(1, sink)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MpscChunkedMailbox<>(null)).isInstanceOf(NullPointerException.class);
    }
}
