package dev.spindle.perf.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Stateless. A JDK TLS client for probes and tests: a blocking {@link SSLSocket} to 127.0.0.1 that checks the
 * server's certificate for {@code localhost} (against the one certificate its context trusts),
 * offers ALPN {@code http/1.1} and TLS 1.3 first (the JDK's default order), and has handshaken
 * when returned.
 */
final class TlsClients {

    static final String HOST = "localhost";

    private TlsClients() {
    }

    static SSLSocket connect(SSLContext context, int port) throws IOException {
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            plain.setSoTimeout(30_000);
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, HOST, port, true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }
}
