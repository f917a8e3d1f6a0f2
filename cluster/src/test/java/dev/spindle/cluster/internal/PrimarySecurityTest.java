package dev.spindle.cluster.internal;

import dev.spindle.actors.testkit.ActorTestKit;
import dev.spindle.actors.testkit.TestProbe;
import dev.spindle.cluster.Cluster;
import dev.spindle.cluster.ClusterEvent;
import dev.spindle.cluster.TestWorker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Only workers of this cluster can use its IPC socket; bad frames close their link and nothing else. */
class PrimarySecurityTest {

    private final ActorTestKit kit = ActorTestKit.create();
    private final TestProbe<ClusterEvent> events = kit.createProbe();
    private PrimaryImpl primary;

    @AfterEach
    void close() {
        if (primary != null) {
            primary.close();
        }
        kit.close();
    }

    @Test
    @Timeout(120)
    void shouldKeepOutsidersOutAndCloseOnlyTheLinksThatSendBadFrames() throws Exception {
        primary = (PrimaryImpl) Cluster.startPrimary(kit.system(),
                TestWorker.CONFIG.withWorkers(1).withWorkerMain(TestWorker.class, "echo"), events.ref());
        fish(e -> e instanceof ClusterEvent.Online);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(primary.directory))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(primary.socket))).isEqualTo("rw-------");

        // A hello with the wrong secret.
        assertClosedAfter(frame(Link.HELLO, ByteBuffer.allocate(12 + 32).putInt(1).putInt(1).putInt(32).array()));
        // A hello with the right secret for a worker the cluster does not have.
        assertClosedAfter(frame(Link.HELLO, ByteBuffer.allocate(12 + 32).putInt(7).putInt(1).putInt(32).put(primary.secret).array()));
        // A second hello for a worker that is online (an impostor that knows the secret).
        assertClosedAfter(frame(Link.HELLO, ByteBuffer.allocate(12 + 32).putInt(1).putInt(1).putInt(32).put(primary.secret).array()));
        // The right secret for a process of worker 1 that the primary never started.
        assertClosedAfter(frame(Link.HELLO, ByteBuffer.allocate(12 + 32).putInt(1).putInt(9).putInt(32).put(primary.secret).array()));
        // Something other than a hello first.
        assertClosedAfter(frame(Link.MESSAGE, new byte[] {0, 0, 0, 0}));
        // A frame over the limit: closed on its header.
        assertClosedAfter(ByteBuffer.allocate(5).putInt(1 << 30).put((byte) Link.HELLO).array());
        // A negative length.
        assertClosedAfter(ByteBuffer.allocate(5).putInt(-1).put((byte) Link.HELLO).array());

        // The real worker never noticed.
        var worker = primary.worker(1);
        assertThat(worker.isConnected()).isTrue();
        worker.send("still here");
        ClusterEvent.Message answer = (ClusterEvent.Message) fish(e -> e instanceof ClusterEvent.Message);
        assertThat(answer.message()).isEqualTo("echo still here from 1");
        assertThat(worker.incarnation()).isEqualTo(1);
    }

    @Test
    @Timeout(120)
    void shouldRemoveWhatADeadPrimaryLeftBehindButNotWhatALiveOneUses() throws Exception {
        Path home = PrimaryImpl.ringHome(TestWorker.CONFIG.withWorkers(1));
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        Path orphan = Files.createTempDirectory(home, PrimaryImpl.DIRECTORY_PREFIX);
        Files.writeString(orphan.resolve(PrimaryImpl.PID_FILE), Long.toString(finished.pid()));
        Files.write(orphan.resolve("worker-1.1.up"), new byte[64]);
        Path alive = Files.createTempDirectory(home, PrimaryImpl.DIRECTORY_PREFIX);
        Files.writeString(alive.resolve(PrimaryImpl.PID_FILE), Long.toString(ProcessHandle.current().pid()));
        try {
            PrimaryImpl.removeOrphans(home);
            assertThat(orphan).doesNotExist();
            assertThat(alive).exists();
        } finally {
            Files.deleteIfExists(alive.resolve(PrimaryImpl.PID_FILE));
            Files.deleteIfExists(alive);
        }
    }

    /** {@return the next event that matches, skipping others} */
    private ClusterEvent fish(java.util.function.Predicate<ClusterEvent> matching) {
        while (true) {
            ClusterEvent event = events.receiveMessage(Duration.ofSeconds(30));
            if (matching.test(event)) {
                return event;
            }
        }
    }

    private static byte[] frame(int kind, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).putInt(1 + body.length).put((byte) kind).put(body).array();
    }

    /** Connects, writes {@code bytes}, and expects the primary to close the connection. */
    private void assertClosedAfter(byte[] bytes) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(primary.socket));
            channel.write(ByteBuffer.wrap(bytes));
            // Blocking read: returns -1 once the primary closes it (the test's timeout bounds it).
            ByteBuffer one = ByteBuffer.allocate(1);
            assertThat(channel.read(one)).as("the primary closed the link").isEqualTo(-1);
        }
    }
}
