package dev.spindle.cluster.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

/** For test workers outside this package: a socket made natively, as a channel through stdin. */
public final class NativeAccess {

    private NativeAccess() {
    }

    public static ServerSocketChannel listenAsChannel(InetSocketAddress address) throws IOException {
        return Native.asInheritedChannel(Native.listenTcp(address, 128));
    }
}
