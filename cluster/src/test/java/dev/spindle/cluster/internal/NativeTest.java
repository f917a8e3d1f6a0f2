package dev.spindle.cluster.internal;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Descriptor passing through the FFM API, within one process (two processes do the same). */
class NativeTest {

    @Test
    void shouldPassADescriptorThatStillWorksOnTheOtherSide() throws Exception {
        Assumptions.assumeTrue(Native.supported(), "Linux, 64-bit");
        int[] carrier = Native.socketPair();
        int[] passed = Native.socketPair();
        try {
            Native.sendDescriptor(carrier[0], passed[0]);
            int received = Native.receiveDescriptor(carrier[1]);
            try {
                assertThat(received).isNotEqualTo(passed[0]); // a new number for the same socket
                Native.write(passed[1], "through the passed socket".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(Native.read(received, 100), StandardCharsets.US_ASCII))
                        .isEqualTo("through the passed socket");
            } finally {
                Native.close(received);
            }
        } finally {
            for (int fd : new int[] {carrier[0], carrier[1], passed[0], passed[1]}) {
                Native.close(fd);
            }
        }
    }
}
