package dev.spindle.io;

import dev.spindle.actors.ActorRef;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * Thread-safe. One TCP connection, owned by one selector loop, its events sent to one registered
 * actor. Every method returns at once: the work happens on the loop, and what comes of it arrives
 * as a {@link TcpEvent}.
 *
 * <p>Writes from one thread go out in the order they were made, before any later
 * {@link #shutdownOutput()} or {@link #close()}.
 */
public interface TcpConnection {

    /** {@return a number that identifies this connection within its {@link Io}} */
    long id();

    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();

    /**
     * Sends this connection's events to {@code handler} from now on, and starts reading (an
     * accepted connection reads nothing until registered). Registering again moves the events to
     * another actor.
     */
    void register(ActorRef<? super TcpEvent> handler);

    /** Like {@link #register(ActorRef)}, for an actor whose protocol wraps {@link TcpEvent}s. */
    <M> void register(ActorRef<M> handler, Function<? super TcpEvent, ? extends M> adapter);

    /**
     * Queues {@code data} (copied) to be sent.
     *
     * @return {@code true} while the queue is below the high-water mark; {@code false} once it has
     *         reached it: stop writing until {@link TcpEvent.WritesDrained}. A write to a closed
     *         connection also returns {@code false}: its bytes are counted in {@link #droppedBytes()}.
     * @throws WriteQueueFullException if queuing would pass {@link TcpOptions#maxQueuedBytes()}
     */
    boolean write(byte[] data);

    /**
     * Queues {@code data}'s remaining bytes to be sent; the connection owns the buffer from now on
     * (no copy): do not touch it again. Otherwise as {@link #write(byte[])}.
     */
    boolean write(ByteBuffer data);

    /**
     * Queues {@code data}'s bytes to be sent and takes it over: the connection releases it once
     * they are sent, or dropped. Otherwise as {@link #write(byte[])}.
     *
     * @throws IllegalStateException if {@code data} was released or written already
     */
    boolean write(TcpEvent.Data data);

    /** Stops reading: the kernel's buffer fills and TCP slows the peer down. */
    void pauseReading();

    /** Reads again after {@link #pauseReading()}. */
    void resumeReading();

    /** Half-close: sends what is queued, then FIN; reading goes on. */
    void shutdownOutput();

    /** Graceful close: sends what is queued, then closes; {@link TcpEvent.Closed} follows. */
    void close();

    /** Abortive close: drops what is queued (counted), resets the connection (RST); {@link TcpEvent.Closed} follows. */
    void abort();

    /** {@return bytes queued and not yet handed to the kernel} */
    long queuedBytes();

    /** {@return bytes written to this connection that were never sent: it closed first} */
    long droppedBytes();
}
