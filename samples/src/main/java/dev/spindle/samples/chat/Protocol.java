package dev.spindle.samples.chat;

import dev.spindle.cluster.ClusterConfig;
import dev.spindle.cluster.Codec;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** What crosses between the chat's processes, each type with its codec (never Java serialization). */
final class Protocol {

    private Protocol() {
    }

    /** Worker → primary: somebody posted to {@code room} through this worker. */
    record Post(String room, String user, String text, int worker) {
    }

    /** Primary → every worker: a message in its room's order ({@code seq}, from 1 per room). */
    record Said(String room, long seq, String user, String text, long at, int worker) {

        /** {@return this message as JSON: its components, in order} */
        String json() {
            return ChatJson.JSON.writeString(this);
        }
    }

    /**
     * Primary → a worker that came online: what each room said recently, oldest first, in parts of
     * at most {@link #PART} messages; the last part is {@code complete}.
     */
    record Snapshot(List<Said> recent, boolean complete) {

        /** Messages per part: at most ~1.7 KB each encoded (500 characters of text), so a part fits the link's 1 MiB frame. */
        static final int PART = 256;
    }

    /** Worker → primary, every second: how the worker is doing, as JSON. */
    record Report(int worker, String json) {
    }

    /** Worker → primary: how is the cluster doing? ({@code id} matches the answer to the question.) */
    record StatsAsked(long id) {
    }

    /** Primary → the worker that asked. */
    record StatsAnswer(long id, String json) {
    }

    private static void writeSaid(Said s, DataOutput out) throws IOException {
        out.writeUTF(s.room());
        out.writeLong(s.seq());
        out.writeUTF(s.user());
        out.writeUTF(s.text());
        out.writeLong(s.at());
        out.writeInt(s.worker());
    }

    private static Said readSaid(DataInput in) throws IOException {
        return new Said(in.readUTF(), in.readLong(), in.readUTF(), in.readUTF(), in.readLong(), in.readInt());
    }

    /** {@return {@code config} with the chat's codecs (wire ids 10 to 15)} */
    static ClusterConfig withCodecs(ClusterConfig config) {
        return config
                .withCodec(10, Post.class, Codec.of((p, out) -> {
                    out.writeUTF(p.room());
                    out.writeUTF(p.user());
                    out.writeUTF(p.text());
                    out.writeInt(p.worker());
                }, in -> new Post(in.readUTF(), in.readUTF(), in.readUTF(), in.readInt())))
                .withCodec(11, Said.class, Codec.of(Protocol::writeSaid, Protocol::readSaid))
                .withCodec(12, Snapshot.class, Codec.of((s, out) -> {
                    out.writeBoolean(s.complete());
                    out.writeInt(s.recent().size());
                    for (Said said : s.recent()) {
                        writeSaid(said, out);
                    }
                }, in -> {
                    boolean complete = in.readBoolean();
                    int n = in.readInt();
                    if (n < 0 || n > Snapshot.PART) {
                        throw new IOException("a snapshot part of " + n + " messages");
                    }
                    List<Said> recent = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        recent.add(readSaid(in));
                    }
                    return new Snapshot(recent, complete);
                }))
                .withCodec(13, Report.class, Codec.of((r, out) -> {
                    out.writeInt(r.worker());
                    out.writeUTF(r.json());
                }, in -> new Report(in.readInt(), in.readUTF())))
                .withCodec(14, StatsAsked.class, Codec.of((q, out) -> out.writeLong(q.id()), in -> new StatsAsked(in.readLong())))
                .withCodec(15, StatsAnswer.class, Codec.of((a, out) -> {
                    out.writeLong(a.id());
                    Codec.STRING.encode(a.json(), out);
                }, in -> new StatsAnswer(in.readLong(), Codec.STRING.decode(in))));
    }
}
