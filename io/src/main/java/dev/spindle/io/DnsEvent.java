package dev.spindle.io;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Immutable. The answer to {@link Io#lookup}. */
public sealed interface DnsEvent {

    /** Every address of {@code host}, in the resolver's order. */
    record Resolved(String host, List<InetAddress> addresses) implements DnsEvent {
    }

    record Failed(String host, UnknownHostException cause) implements DnsEvent {
    }
}
