package dev.spindle.samples.chat;

import dev.spindle.io.TcpConnection;
import dev.spindle.io.http.ResponseWriter;
import dev.spindle.samples.chat.Protocol.Said;

/**
 * Actor-thread only (its room's). Where one member's bytes go, in that member's format: a
 * Server-Sent Events stream of the page and the API, or a TCP session of the terminal door.
 */
sealed interface Outlet {

    /** Queues bytes (under the room's pace mark: far from the server's limit, so they are taken). */
    void write(byte[] bytes);

    /** {@return bytes queued, not yet taken by the connection} */
    long queuedBytes();

    /** Ends it once what is queued has gone. */
    void end();

    /** Drops what is queued and resets the connection. */
    void abort();

    String message(Said said);

    /** {@return the notice that messages {@code from} to {@code to} are no longer kept} */
    String gap(long from, long to);

    /** {@return the last thing a member that was not reading is sent} */
    String dropped(String why, long last);

    /** A Server-Sent Events stream: events with ids, which a reconnecting client sends back. */
    record Sse(ResponseWriter stream) implements Outlet {
        @Override
        public void write(byte[] bytes) {
            stream.write(bytes);
        }

        @Override
        public long queuedBytes() {
            return stream.queuedBytes();
        }

        @Override
        public void end() {
            stream.end();
        }

        @Override
        public void abort() {
            stream.abort();
        }

        @Override
        public String message(Said said) {
            return "id: " + said.seq() + "\nevent: message\ndata: " + said.json() + "\n\n";
        }

        @Override
        public String gap(long from, long to) {
            return "id: " + to + "\nevent: gap\ndata: " + ChatJson.JSON.writeString(new ChatJson.Gap(from, to, to - from + 1))
                    + "\n\n";
        }

        @Override
        public String dropped(String why, long last) {
            return "event: dropped\ndata: " + ChatJson.JSON.writeString(new ChatJson.Dropped(why, last)) + "\n\n";
        }
    }

    /** A TCP session ({@code nc}): one line per message. */
    record Tcp(TcpConnection connection, String room) implements Outlet {
        @Override
        public void write(byte[] bytes) {
            connection.write(bytes);
        }

        @Override
        public long queuedBytes() {
            return connection.queuedBytes();
        }

        @Override
        public void end() {
            connection.close();
        }

        @Override
        public void abort() {
            connection.abort();
        }

        @Override
        public String message(Said said) {
            return "[#" + room + "] " + said.user() + ": " + said.text() + "\n";
        }

        @Override
        public String gap(long from, long to) {
            return "[#" + room + "] -- " + (to - from + 1) + " messages missed (" + from + " to " + to + ") --\n";
        }

        @Override
        public String dropped(String why, long last) {
            return "[#" + room + "] -- dropped: " + why + " --\n";
        }
    }
}
