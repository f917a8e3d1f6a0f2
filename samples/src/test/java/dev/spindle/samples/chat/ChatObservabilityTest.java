package dev.spindle.samples.chat;

import dev.spindle.io.http.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The running chat (a primary and two worker processes) answers {@code /health} and
 * {@code /metrics} on its shared port, and the primary its own {@code /metrics}.
 */
@Timeout(180)
class ChatObservabilityTest {

    @Test
    void shouldAnswerHealthAndAScrapeFromEveryWorker() throws Exception {
        try (RunningChat chat = RunningChat.start(2)) {
            assertThat(chat.http("POST", "/api/rooms/general/messages", "{\"user\":\"ann\",\"text\":\"hi\"}").status())
                    .isEqualTo(202);
            Set<String> scraped = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                RunningChat.Reply health = chat.http("GET", "/health", null);
                assertThat(health.status()).isEqualTo(200);
                assertThat(health.body()).isEqualTo("serving\n");
            }
            // One connection per scrape, dealt in turns between the workers: both answer within a few.
            for (int i = 0; i < 20 && scraped.size() < 2; i++) {
                RunningChat.Reply metrics = chat.http("GET", "/metrics", null);
                assertThat(metrics.status()).isEqualTo(200);
                assertThat(metrics.body())
                        .contains("spindle_actors_alive{system=\"chat-worker-")
                        // every worker answered GET /api/rooms as the chat started (RunningChat waits for both)
                        .contains("spindle_http_server_requests_seconds_bucket{method=\"GET\",route=\"/api/rooms\"")
                        .contains("spindle_cluster_ipc_frames_total{direction=\"received\",process=\"worker-")
                        .contains("spindle_actors_mailbox_depth_messages_count{")
                        .doesNotContain("/api/rooms/general/messages\",server"); // patterns only: this one is POST /api/rooms/:room/messages
                scraped.add(metrics.body().replaceAll("(?s).*worker=\"(\\d+)\".*", "$1"));
            }
            assertThat(scraped).as("round-robin reaches both workers").containsExactlyInAnyOrder("1", "2");

            // The TCP door: a session open on one worker shows in that worker's scrape; both have the series.
            try (Socket session = new Socket("127.0.0.1", chat.tcpPort())) {
                session.setSoTimeout(20_000);
                String greeting = readUntil(session, "? "); // "Spindle Chat, worker N. Your name? "
                String host = greeting.replaceAll("(?s).*worker (\\d+)\\..*", "$1");
                Set<String> doors = new HashSet<>();
                boolean sessionShown = false;
                for (int i = 0; i < 40 && (doors.size() < 2 || !sessionShown); i++) {
                    String body = chat.http("GET", "/metrics", null).body();
                    String worker = body.replaceAll("(?s).*worker=\"(\\d+)\".*", "$1");
                    if (body.contains("spindle_tcp_server_connections_accepted_total{listener=\"door\",worker=\"" + worker + "\"}")) {
                        doors.add(worker);
                    }
                    sessionShown |= worker.equals(host)
                            && body.contains("spindle_tcp_server_connections_open{listener=\"door\",worker=\"" + host + "\"} 1.0\n")
                            && body.matches("(?s).*spindle_tcp_server_bytes_total\\{direction=\"written\",listener=\"door\",worker=\""
                                    + host + "\"} [1-9].*");
                }
                assertThat(doors).as("both workers' TCP door listeners bound").containsExactlyInAnyOrder("1", "2");
                assertThat(sessionShown).as("worker %s's scrape shows the open session and its greeting's bytes", host).isTrue();
            }

            // The primary's meters, on a port of their own (what -DmetricsPort=N starts).
            HttpServer primaryMetrics = Observability.servePrimary(chat.system(), chat.primary(), 0);
            String scrape = get(primaryMetrics.localAddress().getPort(), "/metrics");
            assertThat(scrape).startsWith("HTTP/1.1 200")
                    .contains("spindle_cluster_workers 2")
                    .contains("spindle_cluster_workers_up 2")
                    .contains("spindle_cluster_workers_given_up 0")
                    .contains("spindle_cluster_worker_restarts_total 0")
                    .containsPattern("spindle_cluster_ipc_frames_total\\{direction=\"sent\",process=\"primary\"} [1-9]")
                    .contains("spindle_actors_alive{system=\"chat-test\"}");
        }
    }

    /** {@return what {@code socket} reads up to and including {@code end}} */
    private static String readUntil(Socket socket, String end) throws IOException {
        java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
        while (!read.toString(StandardCharsets.UTF_8).endsWith(end)) {
            int b = socket.getInputStream().read();
            if (b < 0) {
                throw new IOException("closed after " + read);
            }
            read.write(b);
        }
        return read.toString(StandardCharsets.UTF_8);
    }

    private static String get(int port, String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
