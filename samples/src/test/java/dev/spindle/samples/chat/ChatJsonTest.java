package dev.spindle.samples.chat;

import dev.spindle.json.JsonBody;
import dev.spindle.json.JsonProblem;
import dev.spindle.samples.chat.Protocol.Said;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat's JSON, byte for byte as the page and the tests read it (the hand-written writer's
 * output, kept when the chat moved to spindle-json), and the post it reads.
 */
class ChatJsonTest {

    @Test
    void shouldWriteEveryDocumentAsThePageKnowsIt() {
        Said said = new Said("general", 7, "ann", "a \"quote\", a \\ and é", 1_700_000_000_000L, 2);

        assertThat(said.json()).isEqualTo("{\"room\":\"general\",\"seq\":7,\"user\":\"ann\",\"text\":\"a \\\"quote\\\", a \\\\ and é\","
                + "\"at\":1700000000000,\"worker\":2}");
        assertThat(new Outlet.Sse(null).message(said)).isEqualTo("id: 7\nevent: message\ndata: " + said.json() + "\n\n");
        assertThat(new Outlet.Sse(null).gap(3, 5)).isEqualTo("id: 5\nevent: gap\ndata: {\"from\":3,\"to\":5,\"missed\":3}\n\n");
        assertThat(new Outlet.Sse(null).dropped("took nothing for 10 s", 9))
                .isEqualTo("event: dropped\ndata: {\"reason\":\"took nothing for 10 s\",\"last\":9}\n\n");
        assertThat(ChatJson.JSON.writeString(new ChatJson.Hello("general", 1, 42))).isEqualTo("{\"room\":\"general\",\"worker\":1,\"pid\":42}");
        assertThat(ChatJson.JSON.writeString(new ChatJson.Rooms(List.of("general", "random"), 1)))
                .isEqualTo("{\"rooms\":[\"general\",\"random\"],\"worker\":1}");
        assertThat(ChatJson.JSON.writeString(new ChatJson.Accepted(true, 2))).isEqualTo("{\"accepted\":true,\"worker\":2}");
        assertThat(ChatJson.JSON.writeString(new ChatJson.ErrorMessage("no room x"))).isEqualTo("{\"error\":\"no room x\"}");
        assertThat(ChatJson.JSON.writeString(new ChatJson.Top("ann", 3))).isEqualTo("{\"user\":\"ann\",\"messages\":3}");
    }

    @Test
    void shouldCarryAWorkersReportIntoTheStatsUnchanged() {
        Map<String, Integer> mailboxes = new LinkedHashMap<>();
        mailboxes.put("room-general", 0);
        mailboxes.put("inbox", 0);
        String report = ChatJson.JSON.writeString(new ChatJson.WorkerReport(42, 3, 2, 1, 10, 9, 0, 0, mailboxes));
        JsonNode read = switch (ChatJson.JSON.read(report.getBytes(StandardCharsets.UTF_8), JsonNode.class)) {
            case JsonBody.Valid(JsonNode node) -> node;
            case JsonBody.Invalid(JsonProblem problem) -> throw new AssertionError(problem.error());
        };
        Map<String, Long> rooms = new LinkedHashMap<>();
        rooms.put("general", 4L);
        rooms.put("random", 0L);

        String stats = ChatJson.JSON.writeString(new ChatJson.ClusterStats(List.of(
                new ChatJson.WorkerStats(1, 42L, true, 0, read), new ChatJson.WorkerStats(2, null, false, 1, null)), rooms));

        assertThat(report).isEqualTo("{\"pid\":42,\"httpConnections\":3,\"sseStreams\":2,\"tcpSessions\":1,\"posted\":10,"
                + "\"deliveredPerRoomMax\":9,\"droppedSlowClients\":0,\"deadLetters\":0,\"mailboxes\":{\"room-general\":0,\"inbox\":0}}");
        assertThat(stats).isEqualTo("{\"workers\":[{\"worker\":1,\"pid\":42,\"online\":true,\"restarts\":0,\"report\":" + report
                + "},{\"worker\":2,\"pid\":null,\"online\":false,\"restarts\":1,\"report\":null}],\"rooms\":{\"general\":4,\"random\":0}}");
    }

    @Test
    void shouldReadAPostAndSayWhereItIsBroken() {
        assertThat(ChatJson.JSON.read("{\"user\":\"ann\",\"text\":\"hi\",\"extra\":1}".getBytes(StandardCharsets.UTF_8),
                ChatJson.NewMessage.class)).isEqualTo(new JsonBody.Valid<>(new ChatJson.NewMessage("ann", "hi")));
        assertThat(ChatJson.JSON.read("{\"user\":\"ann\"}".getBytes(StandardCharsets.UTF_8), ChatJson.NewMessage.class))
                .as("a missing member is null: the chat answers 400 for it").isEqualTo(new JsonBody.Valid<>(new ChatJson.NewMessage("ann", null)));
        assertThat(ChatJson.JSON.read("{\"user\":\"ann\",".getBytes(StandardCharsets.UTF_8), ChatJson.NewMessage.class))
                .isInstanceOf(JsonBody.Invalid.class);
    }
}
