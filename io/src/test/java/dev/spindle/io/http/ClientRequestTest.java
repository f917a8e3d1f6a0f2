package dev.spindle.io.http;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Requests in memory: what goes on the wire, and what cannot be asked for. */
class ClientRequestTest {

    private static String head(ClientRequest request) {
        return new String(request.encodeHead(), StandardCharsets.ISO_8859_1);
    }

    private static String body(ClientRequest request) {
        List<ByteBuffer> out = new ArrayList<>();
        request.encodeBody(out);
        StringBuilder s = new StringBuilder();
        for (ByteBuffer buffer : out) {
            s.append(StandardCharsets.ISO_8859_1.decode(buffer));
        }
        return s.toString();
    }

    @Test
    void shouldWriteTheRequestLineHostAndFraming() {
        assertThat(head(ClientRequest.get("http://example.com/a/b?x=1&y=%20#frag").withHeader("Accept", "text/plain")))
                .isEqualTo("GET /a/b?x=1&y=%20 HTTP/1.1\r\nHost: example.com\r\nAccept: text/plain\r\n\r\n");
        assertThat(head(ClientRequest.post("http://127.0.0.1:8080", new byte[3])))
                .isEqualTo("POST / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 3\r\n\r\n");
        assertThat(head(ClientRequest.of(HttpMethod.PUT, URI.create("http://[::1]:81/x"))))
                .isEqualTo("PUT /x HTTP/1.1\r\nHost: [::1]:81\r\nContent-Length: 0\r\n\r\n");
        assertThat(head(ClientRequest.get("http://h/").withHeader("Host", "other")))
                .isEqualTo("GET / HTTP/1.1\r\nHost: other\r\n\r\n");
    }

    @Test
    void shouldFrameChunksAndAskForContinue() {
        ClientRequest request = ClientRequest.of(HttpMethod.POST, URI.create("http://h/up"))
                .withChunkedBody(List.of("hello".getBytes(StandardCharsets.US_ASCII), new byte[0], new byte[26]))
                .withExpectContinue();
        assertThat(head(request)).isEqualTo(
                "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n");
        assertThat(body(request)).isEqualTo("5\r\nhello\r\n1a\r\n" + "\0".repeat(26) + "\r\n0\r\n\r\n");
        assertThat(head(ClientRequest.get("http://h/").withExpectContinue())).as("no body, nothing to wait for")
                .doesNotContain("Expect");
    }

    @Test
    void shouldRefuseWhatCouldSplitOrReframeTheRequest() {
        ClientRequest get = ClientRequest.get("http://h/");
        assertThatThrownBy(() -> get.withHeader("X", "a\r\nContent-Length: 5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> get.withHeader("Bad Name", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> get.withHeader("content-length", "5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> get.withHeader("Transfer-Encoding", "chunked")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> get.withHeader("Expect", "100-continue")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientRequest.get("ftp://h/")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only http:// and https://");
        assertThat(ClientRequest.get("https://h/").secure()).isTrue();
        assertThat(ClientRequest.get("https://h/").port()).isEqualTo(443);
        assertThatThrownBy(() -> ClientRequest.get("http:///nohost")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientRequest.of(HttpMethod.CONNECT, URI.create("http://h/")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldKnowWhatMayBeRetriedAndWhatAsksToClose() {
        assertThat(ClientRequest.get("http://h/").idempotent()).isTrue();
        assertThat(ClientRequest.post("http://h/", new byte[0]).idempotent()).isFalse();
        assertThat(ClientRequest.get("http://h/").withHeader("Connection", "keep-alive, Close").asksToClose()).isTrue();
        assertThat(ClientRequest.get("http://h/").withHeader("Connection", "closed").asksToClose()).isFalse();
    }
}
