package dev.spindle.cluster;

import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Thread-safe, stateless. How one message type crosses between the processes of a cluster: an
 * explicit codec, never Java serialization. Register each type with
 * {@link ClusterConfig#withCodec}; the primary and its workers must register the same ones (they
 * run the same code, so they do).
 *
 * <pre>{@code
 * record Chat(String room, String text) {}
 * Codec<Chat> CHAT = Codec.of((chat, out) -> { out.writeUTF(chat.room()); out.writeUTF(chat.text()); },
 *                             in -> new Chat(in.readUTF(), in.readUTF()));
 * }</pre>
 *
 * @param <T> the message type
 */
public interface Codec<T> {

    /** Writes {@code value}. */
    void encode(T value, DataOutput out) throws IOException;

    /** Reads what {@link #encode} wrote; a malformed input throws (the link that sent it closes). */
    T decode(DataInput in) throws IOException;

    /** Writes a value. */
    @FunctionalInterface
    interface Encoder<T> {
        void encode(T value, DataOutput out) throws IOException;
    }

    /** Reads a value. */
    @FunctionalInterface
    interface Decoder<T> {
        T decode(DataInput in) throws IOException;
    }

    /** {@return a codec of these two functions} */
    static <T> Codec<T> of(Encoder<T> encoder, Decoder<T> decoder) {
        return new Codec<>() {
            @Override
            public void encode(T value, DataOutput out) throws IOException {
                encoder.encode(value, out);
            }

            @Override
            public T decode(DataInput in) throws IOException {
                return decoder.decode(in);
            }
        };
    }

    /** UTF-8 text of any length (unlike {@link DataOutput#writeUTF}, which stops at 64 KiB). */
    Codec<String> STRING = of((value, out) -> {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }, in -> {
        byte[] bytes = new byte[length(in)];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    });

    /** Bytes as they are. */
    Codec<byte[]> BYTES = of((value, out) -> {
        out.writeInt(value.length);
        out.write(value);
    }, in -> {
        byte[] bytes = new byte[length(in)];
        in.readFully(bytes);
        return bytes;
    });

    /** {@return a length read from {@code in}, checked against what is left of the frame} */
    private static int length(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < 0 || in instanceof DataInputStream frame && length > frame.available()) {
            throw new IOException("a length of " + length + " past the end of the frame");
        }
        return length;
    }
}
