package dev.spindle.samples;

import dev.spindle.actors.ActorSystem;
import dev.spindle.io.Io;
import dev.spindle.io.TcpListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The small samples do what their comments say. */
class BasicsTest {

    private final ActorSystem system = ActorSystem.create("basics-test");

    @AfterEach
    void close() {
        system.close();
    }

    @Test
    void pingPongShouldPlayToTheEnd() throws Exception {
        PingPong.main(new String[] {"10000"});
    }

    @Test
    void counterShouldKeepItsTotalWhileItsFaultyChildIsRestarted() throws Exception {
        Counter.Outcome outcome = Counter.run(system);
        assertThat(outcome.total()).isEqualTo(55 + 2 * 1000);
        assertThat(outcome.auditorStarts()).as("started, then restarted after each of its two failures").isEqualTo(3);
    }

    @Test
    void emitterShouldCallOnOnceAndErrorListenersInOrder() throws Exception {
        assertThat(Emitter.run(system)).containsExactly("data: hello, ", "first chunk only: hello, ", "data: world",
                "end: 12 bytes", "data: partial", "error: connection reset after 7 bytes");
    }

    @Test
    void timersShouldTickThreeTimesAndFireTheTimeoutThatWasNotCancelled() throws Exception {
        List<String> happened = Timers.run(system);
        assertThat(happened).containsSubsequence("tick 1", "tick 2", "tick 3", "interval cancelled")
                .contains("the half-second timeout fired")
                .doesNotContain("tick 4", "a timeout cancelled at once fired");
    }

    @Test
    void offloadShouldAnswerPingsWhileAWorkerComputes() throws Exception {
        List<String> log = Offload.run(system, 30);
        assertThat(log).hasSize(5);
        assertThat(log.getFirst()).isEqualTo("asked for fib(30)");
        assertThat(log.subList(1, 4)).containsExactly("answered ping 1", "answered ping 2", "answered ping 3");
        assertThat(log.getLast()).startsWith("fib(30) = 832040, computed on VirtualThread");
    }

    @Test
    void childOutputShouldStreamBackAsMessages() throws Exception {
        try (Io io = Io.create()) {
            List<String> heard = ChildOutput.run(system, io);
            assertThat(heard.getFirst()).startsWith("started, pid ");
            assertThat(String.join("\n", heard.stream().filter(h -> h.startsWith("stdout: "))
                    .map(h -> h.substring("stdout: ".length())).toList()).lines())
                    .containsExactly("counting", "1", "2", "3");
            assertThat(heard).contains("stderr: done");
            assertThat(heard.getLast()).isEqualTo("exited with code 3");
        }
    }

    @Test
    void tcpEchoShouldWriteBackWhatItReads() throws Exception {
        try (Io io = Io.create()) {
            TcpListener listener = TcpEcho.start(system, io, 0);
            try (Socket socket = new Socket("127.0.0.1", listener.localAddress().getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("echo me\n".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(socket.getInputStream().readNBytes(8), StandardCharsets.UTF_8)).isEqualTo("echo me\n");
            }
        }
    }
}
