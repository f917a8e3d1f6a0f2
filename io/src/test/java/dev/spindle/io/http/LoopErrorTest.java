package dev.spindle.io.http;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An {@link Error} on an io loop (here an {@link OutOfMemoryError}, in a forked JVM with a 64 MiB
 * heap) costs the connection it struck, never the loop: the server goes on serving everyone else.
 */
class LoopErrorTest {

    @Test
    void shouldServeOnAfterAnOutOfMemoryErrorOnTheLoop() throws Exception {
        // A collected body limit far over the heap (an operator's mistake): growing the body's
        // array runs the loop out of memory.
        try (AttackedServer server = new AttackedServer(64, 512 << 20, 10_000, 30_000, 60_000)) {
            try (Socket greedy = new Socket()) {
                greedy.connect(server.address, 5_000);
                OutputStream out = greedy.getOutputStream();
                out.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 400000000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] block = new byte[64 * 1024];
                try {
                    for (long sent = 0; sent < 400_000_000L; sent += block.length) {
                        out.write(block);
                    }
                } catch (IOException closedByTheServer) {
                    // The connection the error struck is closed: the end this test expects.
                }
            }
            assertThat(server.get("/hello", 10_000)).as("served after the error; log:\n%s", server.output()).isEqualTo("hello");
            assertThat(server.stats().get("loopFailures")).isEqualTo(1L);
            assertThat(server.isAlive()).isTrue();
        }
    }
}
