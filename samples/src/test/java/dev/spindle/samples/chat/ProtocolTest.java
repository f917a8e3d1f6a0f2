package dev.spindle.samples.chat;

import dev.spindle.cluster.ClusterConfig;
import dev.spindle.cluster.Codec;
import dev.spindle.samples.chat.Protocol.Said;
import dev.spindle.samples.chat.Protocol.Snapshot;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The chat's messages between processes. */
class ProtocolTest {

    @Test
    void shouldFitTheLargestSnapshotPartInOneFrameOfTheLink() throws Exception {
        ClusterConfig config = Protocol.withCodecs(ClusterConfig.defaults());
        @SuppressWarnings("unchecked")
        Codec<Snapshot> codec = (Codec<Snapshot>) config.codecs().stream().filter(r -> r.type() == Snapshot.class)
                .findFirst().orElseThrow().codec();
        // The longest message and name, in characters that take 3 bytes each.
        List<Said> part = new ArrayList<>();
        for (int seq = 1; seq <= Snapshot.PART; seq++) {
            part.add(new Said("general", seq, "€".repeat(ChatWorker.MAX_USER), "€".repeat(ChatWorker.MAX_TEXT), 0, 1));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        codec.encode(new Snapshot(part, true), new DataOutputStream(bytes));

        assertThat(bytes.size()).isLessThan(config.maxFrameBytes());
        Snapshot back = codec.decode(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(back).isEqualTo(new Snapshot(part, true));
    }
}
