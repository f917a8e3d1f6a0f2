package dev.spindle.io.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of {@link TlsFailure}, from a real handshake that fails that way. */
class TlsFailureTest {

    @TempDir
    Path dir;

    private final TestPki.Issued ca = TestPki.ca("Test CA");
    private final TestPki.Issued serverCert = TestPki.leaf(ca, "a.test", TestPki.ec(), "a.test");

    private TlsServerOptions serverOptions() {
        return TlsServerOptions.of(TestPki.files(dir, "server", serverCert.key(), serverCert.certificate()));
    }

    private TlsClientOptions clientOptions() {
        return TlsClientOptions.defaults().withTrust(TrustSource.pem(TestPki.write(dir, "ca.pem", TestPki.pem(ca.certificate()))));
    }

    private EnginePair handshake(TlsClientOptions client, String host, SSLEngine server) throws Exception {
        return EnginePair.handshake(TlsClientContext.create(client).newEngine(host, 443), server);
    }

    @Test
    void shouldTellAHostNameMismatchAnUntrustedAndAnExpiredServer() throws Exception {
        TlsServerContext server = TlsServerContext.create(serverOptions());
        KeyPair keys = TestPki.ec();
        X509Certificate expired = TestPki.certificate("a.test", keys.getPublic().getEncoded(), "Test CA", ca.key(), false,
                List.of("a.test"), Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofDays(1)));

        EnginePair mismatch = handshake(clientOptions(), "b.test", server.newEngine());
        EnginePair untrusted = handshake(TlsClientOptions.defaults(), "a.test", server.newEngine());
        EnginePair stale = handshake(clientOptions(), "a.test", rawServer(keys, expired));

        assertThat(TlsFailure.of(mismatch.clientFailure)).isEqualTo(TlsFailure.HOST_NAME_MISMATCH);
        assertThat(TlsFailure.of(mismatch.serverFailure)).isEqualTo(TlsFailure.PEER_ALERT);
        assertThat(TlsFailure.of(untrusted.clientFailure)).isEqualTo(TlsFailure.CERTIFICATE_UNTRUSTED);
        assertThat(TlsFailure.of(stale.clientFailure)).as("%s", stale.clientFailure).isEqualTo(TlsFailure.CERTIFICATE_EXPIRED);
    }

    @Test
    void shouldTellAMissingClientCertificateAndVersionsCiphersOrProtocolsInCommonWithNone() throws Exception {
        TlsServerContext mutual = TlsServerContext.create(serverOptions().withClientAuth(ClientAuth.REQUIRED,
                TrustSource.pem(TestPki.write(dir, "ca.pem", TestPki.pem(ca.certificate())))));
        TlsServerContext tls13Aes128 = TlsServerContext.create(serverOptions().withProtocols("TLSv1.3")
                .withCipherSuites("TLS_AES_128_GCM_SHA256"));
        TlsServerContext strictAlpn = TlsServerContext.create(serverOptions().withStrictAlpn(true));

        EnginePair noCertificate = handshake(clientOptions(), "a.test", mutual.newEngine());
        EnginePair oldVersion = handshake(clientOptions().withProtocols("TLSv1.2"), "a.test", tls13Aes128.newEngine());
        EnginePair noCipher = handshake(clientOptions().withCipherSuites("TLS_AES_256_GCM_SHA384"), "a.test",
                tls13Aes128.newEngine());
        EnginePair noProtocol = handshake(clientOptions().withApplicationProtocols("h2"), "a.test", strictAlpn.newEngine());

        assertThat(TlsFailure.of(noCertificate.serverFailure)).isEqualTo(TlsFailure.NO_CLIENT_CERTIFICATE);
        assertThat(TlsFailure.of(noCertificate.clientFailure)).isEqualTo(TlsFailure.PEER_ALERT);
        assertThat(TlsFailure.of(oldVersion.serverFailure)).as("%s", oldVersion.serverFailure)
                .isEqualTo(TlsFailure.PROTOCOL_VERSION);
        assertThat(TlsFailure.of(noCipher.serverFailure)).as("%s", noCipher.serverFailure)
                .isEqualTo(TlsFailure.NO_COMMON_CIPHER);
        assertThat(TlsFailure.of(noProtocol.serverFailure)).isEqualTo(TlsFailure.NO_APPLICATION_PROTOCOL);
        assertThat(TlsFailure.of(new javax.net.ssl.SSLException("Unsupported or unrecognized SSL message")))
                .isEqualTo(TlsFailure.OTHER);
    }

    /** A server engine straight from the JDK, for a certificate Spindle's own loader refuses. */
    private static SSLEngine rawServer(KeyPair keys, X509Certificate certificate) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", keys.getPrivate(), "x".toCharArray(), new Certificate[] {certificate});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
        keyManagers.init(store, "x".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
    }
}
