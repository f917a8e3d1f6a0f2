package dev.spindle.io.http;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The chunked-body framing alone: what {@code advance} and {@code took} promise the two parsers. */
class ChunkedDecoderTest {

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldStopAtDataAndLeaveItToTheParser() {
        ChunkedDecoder decoder = new ChunkedDecoder(1024);
        decoder.start();
        ByteBuffer in = bytes("5;x=y\r\nhel");
        assertThat(decoder.advance(in)).isEqualTo(ChunkedDecoder.DATA);
        assertThat(decoder.remaining()).isEqualTo(5);
        assertThat(in.position()).as("the size line consumed, no data").isEqualTo(7);
        in.position(in.limit());
        decoder.took(3);
        assertThat(decoder.inData()).isTrue();
        assertThat(decoder.advance(in)).as("still in data, whatever the input").isEqualTo(ChunkedDecoder.DATA);
        in = bytes("lo\r\n0\r\nX-T: 1\r\n\r\nNEXT");
        in.position(2);
        decoder.took(2);
        assertThat(decoder.inData()).isFalse();
        assertThat(decoder.advance(in)).isEqualTo(ChunkedDecoder.END);
        assertThat(in.remaining()).as("nothing past the body consumed").isEqualTo(4);
    }

    @Test
    void shouldAskForMoreAtEveryByteOfTheFraming() {
        String framing = "A\r\n";
        ChunkedDecoder decoder = new ChunkedDecoder(1024);
        decoder.start();
        for (int i = 0; i < framing.length() - 1; i++) {
            assertThat(decoder.advance(bytes(framing.substring(i, i + 1)))).isEqualTo(ChunkedDecoder.NEED_MORE);
        }
        assertThat(decoder.advance(bytes("\n"))).isEqualTo(ChunkedDecoder.DATA);
        assertThat(decoder.remaining()).isEqualTo(10);
    }

    @Test
    void shouldBoundExtensionsPerBodyAndStartAgainWithTheNext() {
        ChunkedDecoder decoder = new ChunkedDecoder(256);
        String body = ("1;" + "e".repeat(99) + "\r\nx\r\n").repeat(2) + "0\r\n\r\n"; // 200 extension bytes with the CRs
        for (int round = 0; round < 3; round++) {
            decoder.start();
            ByteBuffer in = bytes(body);
            int result;
            while ((result = decoder.advance(in)) == ChunkedDecoder.DATA) {
                in.position(in.position() + 1);
                decoder.took(1);
            }
            assertThat(result).as("body %d", round).isEqualTo(ChunkedDecoder.END);
        }
        decoder.start();
        ByteBuffer in = bytes(("1;" + "e".repeat(99) + "\r\nx\r\n").repeat(3));
        int result;
        while ((result = decoder.advance(in)) == ChunkedDecoder.DATA) {
            in.position(in.position() + 1);
            decoder.took(1);
        }
        assertThat(result).isEqualTo(ChunkedDecoder.ERROR);
        assertThat(decoder.error()).isEqualTo(FramingError.CHUNK_EXTENSIONS_TOO_LARGE);
        assertThat(decoder.advance(bytes("0\r\n\r\n"))).as("a refusal is final").isEqualTo(ChunkedDecoder.ERROR);
    }

    @Test
    void shouldNameEachRefusalInTheRolesWords() {
        FramingLimits request = FramingLimits.of(HttpServerOptions.defaults().withMaxHeadSize(512).withMaxHeaders(9));
        FramingLimits response = new FramingLimits(MessageRole.RESPONSE, 1024, 7);
        assertThat(request.reason(FramingError.HEAD_TOO_LARGE)).isEqualTo("request head larger than 512 bytes");
        assertThat(response.reason(FramingError.HEAD_TOO_LARGE)).isEqualTo("response head larger than 1024 bytes");
        assertThat(response.reason(FramingError.TOO_MANY_FIELDS)).isEqualTo("more than 7 header fields");
        assertThat(request.reason(FramingError.EMPTY_START_LINE)).isEqualTo("empty request line");
        assertThat(response.reason(FramingError.EMPTY_START_LINE)).isEqualTo("empty status line");
        for (FramingError error : FramingError.values()) {
            assertThat(response.reason(error)).as(error.name()).doesNotContain("{").isNotBlank();
            assertThat(error.requestStatus).as(error.name()).isIn(400, 431, 501);
        }
    }
}
