package dev.spindle.io.http;

import dev.spindle.io.http.HttpClientEvent.Failure;
import dev.spindle.io.internal.IoLoop;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Loop-confined (to {@link #loop}, chosen when the pool is made). The connections of an
 * {@link HttpClient} to one host and port, and the requests waiting for one. A request goes to an
 * idle connection, else to a new one while under {@code maxConnectionsPerHost}, else pipelined
 * behind others on the least busy connection that takes it, else it waits (in order).
 */
final class HostPool {

    final HttpClient client;
    final IoLoop loop;
    final HttpClientOptions options;
    private final String host;
    private final int port;
    /** The TLS context of an {@code https} pool, or null. */
    final dev.spindle.io.tls.TlsClientContext tls;
    private final ArrayDeque<ClientExchange> waiting = new ArrayDeque<>();
    private final List<ClientConnection> connections = new ArrayList<>();
    private boolean closed;

    HostPool(HttpClient client, IoLoop loop, String host, int port, dev.spindle.io.tls.TlsClientContext tls) {
        this.tls = tls;
        this.client = client;
        this.loop = loop;
        this.options = client.options;
        this.host = host;
        this.port = port;
    }

    void submit(ClientExchange exchange) {
        assert loop.inLoop();
        if (closed) {
            exchange.fail(Failure.CLIENT_CLOSED, new IOException("the HTTP client is closed"));
            return;
        }
        if (waiting.size() >= options.maxQueuedPerHost()) {
            exchange.fail(Failure.LIMIT_EXCEEDED, new IOException("more than " + options.maxQueuedPerHost()
                    + " requests waiting for a connection to " + host + ":" + port));
            return;
        }
        waiting.addLast(exchange);
        dispatch();
    }

    /** Sends what waits, while connections take it. */
    void dispatch() {
        assert loop.inLoop();
        while (!closed && !waiting.isEmpty()) {
            ClientExchange exchange = waiting.peekFirst();
            if (exchange.done) {
                waiting.pollFirst();
                continue;
            }
            ClientConnection connection = pick(exchange);
            if (connection == null) {
                if (connections.size() >= options.maxConnectionsPerHost()) {
                    return;
                }
                connection = open(exchange);
                if (connection == null) {
                    continue;
                }
            }
            waiting.pollFirst();
            connection.send(exchange);
        }
    }

    private ClientConnection pick(ClientExchange exchange) {
        for (ClientConnection connection : connections) {
            if (connection.idle()) {
                return connection;
            }
        }
        if (connections.size() < options.maxConnectionsPerHost()) {
            return null;
        }
        ClientConnection best = null;
        for (ClientConnection connection : connections) {
            if (connection.accepts(exchange) && (best == null || connection.inFlightCount() < best.inFlightCount())) {
                best = connection;
            }
        }
        return best;
    }

    private ClientConnection open(ClientExchange exchange) {
        ClientConnection connection;
        try {
            connection = new ClientConnection(this, host);
        } catch (IOException e) {
            waiting.pollFirst();
            exchange.fail(Failure.CONNECT_FAILED, e);
            return null;
        }
        connections.add(connection);
        client.opened();
        if (isLiteral(host)) {
            connection.connect(new InetSocketAddress(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port));
        } else {
            // Name lookups block: one virtual thread each, the connect back on the loop.
            Thread.ofVirtual().name("spindle-http-lookup-" + host).start(() -> {
                try {
                    InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(host), port);
                    loop.execute(() -> connection.connect(address));
                } catch (UnknownHostException e) {
                    loop.execute(() -> connection.connectFailed(Failure.CONNECT_FAILED, e));
                }
            });
        }
        return connection;
    }

    /** An IP address, which needs no lookup: digits and dots, or anything with a colon (IPv6). */
    private static boolean isLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    /** {@code connection} finished its responses and is idle: give it the next request, or start its idle clock. */
    void released(ClientConnection connection) {
        dispatch();
        if (connection.idle()) {
            connection.startIdleTimer();
        }
    }

    /** {@code connection} closed; {@code retry} go back to the front of the queue, in order. */
    void removed(ClientConnection connection, List<ClientExchange> retry) {
        assert loop.inLoop();
        connections.remove(connection);
        client.closed();
        for (int i = retry.size() - 1; i >= 0; i--) {
            ClientExchange exchange = retry.get(i);
            exchange.retried = true;
            exchange.connection = null;
            if (closed) {
                exchange.fail(Failure.CLIENT_CLOSED, new IOException("the HTTP client is closed"));
            } else {
                waiting.addFirst(exchange);
            }
        }
        dispatch();
    }

    /** A waiting exchange was cancelled. */
    void forget(ClientExchange exchange) {
        waiting.remove(exchange);
    }

    /** {@return the bytes held for streamed receivers that have not asked for more} */
    int heldBytes() {
        int sum = 0;
        for (ClientConnection connection : connections) {
            sum += connection.heldBytes();
        }
        return sum;
    }

    /** The client or the io runtime closes: everything waiting or in flight fails with {@link Failure#CLIENT_CLOSED}. */
    void shutdown(IOException cause) {
        if (closed) {
            return;
        }
        closed = true;
        for (ClientExchange exchange; (exchange = waiting.pollFirst()) != null; ) {
            exchange.fail(Failure.CLIENT_CLOSED, cause);
        }
        for (ClientConnection connection : new ArrayList<>(connections)) {
            connection.close(Failure.CLIENT_CLOSED, cause, false);
        }
    }
}
