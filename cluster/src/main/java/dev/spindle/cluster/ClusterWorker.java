package dev.spindle.cluster;

import dev.spindle.actors.ActorRef;
import dev.spindle.io.Io;
import dev.spindle.io.TcpEvent;
import dev.spindle.io.TcpListener;
import dev.spindle.io.TcpOptions;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

/** Thread-safe. A worker's side of the cluster: its id and its link to the primary. */
public interface ClusterWorker extends ClusterNode, AutoCloseable {

    /** {@return this worker's slot number, 1 to the number of workers} */
    int id();

    /**
     * Sends {@code message} to the primary ({@link ClusterEvent.Message}), in order after earlier
     * sends from this thread.
     *
     * @return false if the link is closed, or the primary left its IPC ring full for
     *         {@link ClusterConfig#sendTimeout()} (then it waits no more until the primary reads
     *         again, and the message is a dead letter too): the message is counted in
     *         {@link #undelivered()}
     * @throws IllegalArgumentException if no codec is registered for the message's type
     */
    boolean send(Object message);

    /** {@return messages {@link #send} could not hand to the link} */
    long undelivered();

    /** {@return this worker process's IPC traffic with the primary (frames and bytes, both ways), for monitoring} */
    IpcStats ipcStats();

    /** {@return how this cluster's workers share the addresses they listen on: the primary's choice} */
    Balancing balancing();

    /**
     * Listens on {@code address} together with the other workers that listen on it, shared as the
     * cluster's {@link #balancing()} says, and tells the primary ({@link ClusterEvent.Listening}).
     * Node's {@code server.listen()} in a worker. Closing the listener stops this worker taking
     * connections; the others go on.
     *
     * @throws IOException           if the address cannot be bound
     * @throws IllegalStateException with {@link Balancing#ROUND_ROBIN}, for a second address in
     *                               this process (one per worker; use another cluster or
     *                               {@link Balancing#REUSE_PORT} for more)
     */
    default TcpListener listen(Io io, InetSocketAddress address, TcpOptions options, ActorRef<? super TcpEvent> owner)
            throws IOException {
        return listen(io, address, options, owner, balancing());
    }

    /**
     * Like {@link #listen(Io, InetSocketAddress, TcpOptions, ActorRef)}, shared as {@code policy}
     * says whatever the cluster's default: every worker listening on {@code address} must name the
     * same. For a second address when the first is round-robin.
     */
    TcpListener listen(Io io, InetSocketAddress address, TcpOptions options, ActorRef<? super TcpEvent> owner,
            Balancing policy) throws IOException;

    /** Like {@link #listen}, for HTTP: serves {@code address} with {@code router} together with the other workers. */
    default HttpServer serve(Io io, InetSocketAddress address, HttpServerOptions options, Router router)
            throws IOException {
        return serve(io, address, options, router, balancing());
    }

    /** Like {@link #serve(Io, InetSocketAddress, HttpServerOptions, Router)}, shared as {@code policy} says. */
    HttpServer serve(Io io, InetSocketAddress address, HttpServerOptions options, Router router, Balancing policy)
            throws IOException;

    /**
     * Tells the primary this worker listens on {@code address} ({@link ClusterEvent.Listening}), for
     * a listener made without {@link #listen} or {@link #serve}.
     */
    void listening(InetSocketAddress address);

    /** {@return completes when the link to the primary has closed, for whatever reason} */
    CompletionStage<Void> whenClosed();

    /** Closes the link after what was sent before; the primary sees {@link ClusterEvent.Disconnected}. */
    @Override
    void close();
}
