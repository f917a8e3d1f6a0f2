package dev.spindle.samples.chat;

import dev.spindle.actors.ActorSystem;
import dev.spindle.cluster.ClusterConfig;
import dev.spindle.cluster.ClusterPrimary;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Spindle Chat started for a test: this JVM the primary, real worker processes, free ports. */
record RunningChat(ActorSystem system, ClusterPrimary primary, int port, int tcpPort) implements AutoCloseable {

    /** One HTTP answer. */
    record Reply(int status, String body) {
    }

    /** {@return a chat of {@code workers} workers, each of them answering} */
    static RunningChat start(int workers) throws Exception {
        return start(workers, ChatConfig.defaults());
    }

    /** {@return a chat of {@code workers} workers with the history of {@code chat}, each of them answering} */
    static RunningChat start(int workers, ChatConfig chatConfig) throws Exception {
        int port = freePort();
        int tcpPort = freePort();
        ClusterConfig config = SpindleChat.config().withWorkers(workers).withWorkerMain(SpindleChat.class)
                .withExtraJvmArgs("-Dport=" + port, "-DtcpPort=" + tcpPort, "-Dhistory=" + chatConfig.history());
        ActorSystem system = ActorSystem.create("chat-test");
        RunningChat chat = new RunningChat(system, SpindleChat.startPrimary(system, config, chatConfig), port, tcpPort);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Set<String> answering = new HashSet<>();
        while (answering.size() < workers || !chat.tcpOpen()) {
            assertThat(System.nanoTime() - deadline).as("all workers answer within 60 s: %s", answering).isNegative();
            Reply rooms = chat.http("GET", "/api/rooms", null);
            if (rooms != null) {
                answering.add(rooms.body().replaceAll(".*\"worker\":(\\d+).*", "$1"));
            }
        }
        return chat;
    }

    /** {@return the answer to one request on a new connection, or null if nothing listens yet} */
    Reply http(String method, String path, String body) throws IOException {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + content.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(content);
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int head = response.indexOf("\r\n\r\n");
            if (head < 0) {
                return null;
            }
            return new Reply(Integer.parseInt(response.substring(9, 12)), response.substring(head + 4));
        } catch (SocketException e) { // refused: not listening yet
            return null;
        }
    }

    private boolean tcpOpen() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", tcpPort), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    @Override
    public void close() {
        primary.close();
        system.close();
    }
}
