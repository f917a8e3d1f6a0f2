package dev.spindle.io.tls;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Thread-safe (stateless). The JDK's blocking TLS client as tests use it against Spindle's servers:
 * trusting one CA, calling {@code a.test} at 127.0.0.1 (verified, and sent as SNI), ALPN
 * {@code http/1.1}, a 10 s read timeout, the handshake done before it is returned.
 */
final class JdkTlsClient {

    private JdkTlsClient() {
    }

    /**
     * {@return a socket to 127.0.0.1:{@code port} as {@code a.test}, shaken hands}
     *
     * @param protocol   the one TLS version offered, or null for the JDK's
     * @param clientCert the certificate to answer a server's request with (mutual TLS), or null
     */
    static SSLSocket connect(X509Certificate ca, int port, String protocol, TestPki.Issued clientCert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory trustFactory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustFactory.init(trust);
        KeyManagerFactory keyFactory = null;
        if (clientCert != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", clientCert.key(), "pw".toCharArray(), new X509Certificate[] {clientCert.certificate()});
            keyFactory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyFactory.init(keys, "pw".toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyFactory == null ? null : keyFactory.getKeyManagers(), trustFactory.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(
                InetAddress.getByAddress("a.test", new byte[] {127, 0, 0, 1}), port);
        socket.setSoTimeout(10_000);
        var parameters = socket.getSSLParameters();
        if (protocol != null) {
            parameters.setProtocols(new String[] {protocol});
        }
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setServerNames(List.of(new SNIHostName("a.test")));
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }
}
