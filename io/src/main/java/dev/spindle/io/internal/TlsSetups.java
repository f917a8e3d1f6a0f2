package dev.spindle.io.internal;

import dev.spindle.io.tls.TlsClientContext;
import dev.spindle.io.tls.TlsServerContext;

import java.net.InetSocketAddress;

/** Thread-safe (stateless). Builds a connection's {@link TlsSetup} from a server's or client's TLS context. */
public final class TlsSetups {

    /** Bytes a server's certificate chain and handshake may take, for a client: chains of 10 KB and more are common. */
    static final int CLIENT_MAX_HANDSHAKE_BYTES = 256 * 1024;

    private TlsSetups() {
    }

    /** {@return the setup for a server's connection from {@code peer}, or null without TLS} */
    public static TlsSetup server(TlsServerContext context, InetSocketAddress peer, byte[] plaintextAnswer) {
        if (context == null) {
            return null;
        }
        return new TlsSetup(context.newEngine(peer.getHostString(), peer.getPort()), Internals.tlsCounters(context),
                context.options().handshakeTimeout(), context.options().maxHandshakeBytes(), plaintextAnswer);
    }

    /** {@return the setup for a client's connection to {@code host} ({@code remote}'s port), or null without TLS} */
    public static TlsSetup client(TlsClientContext context, String host, InetSocketAddress remote) {
        if (context == null) {
            return null;
        }
        return new TlsSetup(context.newEngine(host, remote.getPort()), Internals.tlsCounters(context),
                context.options().handshakeTimeout(), CLIENT_MAX_HANDSHAKE_BYTES, null);
    }
}
