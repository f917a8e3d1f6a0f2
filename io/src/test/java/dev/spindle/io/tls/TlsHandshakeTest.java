package dev.spindle.io.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real handshakes between a client and a server engine, pumped in memory ({@link EnginePair}). */
class TlsHandshakeTest {

    @TempDir
    Path dir;

    private final TestPki.Issued ca = TestPki.ca("Test CA");
    private final TestPki.Issued serverCert = TestPki.leaf(ca, "a.test", TestPki.ec(), "a.test");

    private Path caFile() {
        return TestPki.write(dir, "ca.pem", TestPki.pem(ca.certificate()));
    }

    private TlsServerContext server(TlsServerOptions options) {
        return TlsServerContext.create(options);
    }

    private TlsServerOptions serverOptions() {
        return TlsServerOptions.of(TestPki.files(dir, "server", serverCert.key(), serverCert.certificate(), ca.certificate()));
    }

    private TlsClientContext client() {
        return TlsClientContext.create(TlsClientOptions.defaults().withTrust(TrustSource.pem(caFile())));
    }

    private static X509Certificate servedCertificate(EnginePair pair) throws SSLPeerUnverifiedException {
        return (X509Certificate) pair.client.getSession().getPeerCertificates()[0];
    }

    @Test
    void shouldHandshakeWithEachKeyType() throws Exception {
        for (KeyPair keys : List.of(TestPki.ec(), TestPki.rsa(), TestPki.rsaPss(), TestPki.ed25519())) {
            String type = keys.getPrivate().getAlgorithm();
            TestPki.Issued leaf = TestPki.leaf(ca, "a.test", keys, "a.test");
            TlsServerContext server = server(TlsServerOptions.of(TestPki.files(dir, type, leaf.key(), leaf.certificate())));

            EnginePair pair = EnginePair.handshake(client().newEngine("a.test", 443), server.newEngine());

            assertThat(pair.established()).as(type + ": client %s, server %s", pair.clientFailure, pair.serverFailure).isTrue();
            assertThat(servedCertificate(pair)).as(type).isEqualTo(leaf.certificate());
            assertThat(pair.client.getSession().getProtocol()).as(type).isEqualTo("TLSv1.3");
            assertThat(pair.clientSends("GET / HTTP/1.1\r\n\r\n")).as(type).isEqualTo("GET / HTTP/1.1\r\n\r\n");
        }
    }

    @Test
    void shouldServeAKeyStoreThatKeytoolMade() throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Command.run(List.of(keytool, "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "server",
                "-dname", "CN=a.test", "-ext", "SAN=dns:a.test", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", "server.p12", "-storepass", "secret", "-keypass", "secret"), dir);
        Command.run(List.of(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", "server.p12",
                "-storepass", "secret", "-file", "server.pem"), dir);
        TlsServerContext server = server(TlsServerOptions.of(
                KeySource.keyStoreFile(dir.resolve("server.p12"), "secret".toCharArray(), "server")));
        TlsClientContext client = TlsClientContext.create(TlsClientOptions.defaults()
                .withTrust(TrustSource.pem(dir.resolve("server.pem"))));

        EnginePair pair = EnginePair.handshake(client.newEngine("a.test", 443), server.newEngine());

        assertThat(pair.established()).as("%s / %s", pair.clientFailure, pair.serverFailure).isTrue();
        assertThat(servedCertificate(pair)).isEqualTo(PemFiles.readCertificates(dir.resolve("server.pem")).getFirst());
    }

    @Test
    void shouldChooseTheCertificateByTheHostNameTheClientSent() throws Exception {
        TestPki.Issued exact = TestPki.leaf(ca, "a.test", TestPki.ec(), "a.test");
        TestPki.Issued wildcard = TestPki.leaf(ca, "*.b.test", TestPki.ec(), "*.b.test");
        TestPki.Issued fallback = TestPki.leaf(ca, "default.test", TestPki.ec(), "default.test");
        TlsServerContext server = server(TlsServerOptions.of(TestPki.files(dir, "default", fallback.key(), fallback.certificate()))
                .withHostKey("a.test", TestPki.files(dir, "exact", exact.key(), exact.certificate()))
                .withHostKey("*.b.test", TestPki.files(dir, "wildcard", wildcard.key(), wildcard.certificate())));
        TlsClientContext lenient = TlsClientContext.create(TlsClientOptions.defaults().withTrust(TrustSource.pem(caFile()))
                .withVerifyHostName(false));

        assertThat(servedCertificate(EnginePair.handshake(client().newEngine("a.test", 443), server.newEngine())))
                .isEqualTo(exact.certificate());
        assertThat(servedCertificate(EnginePair.handshake(client().newEngine("A.TEST", 443), server.newEngine())))
                .isEqualTo(exact.certificate());
        assertThat(servedCertificate(EnginePair.handshake(client().newEngine("x.b.test", 443), server.newEngine())))
                .isEqualTo(wildcard.certificate());
        assertThat(servedCertificate(EnginePair.handshake(lenient.newEngine("y.x.b.test", 443), server.newEngine())))
                .as("a wildcard covers one label").isEqualTo(fallback.certificate());
        assertThat(servedCertificate(EnginePair.handshake(lenient.newEngine("c.test", 443), server.newEngine())))
                .as("an unknown name").isEqualTo(fallback.certificate());
        EnginePair noSni = EnginePair.handshake(lenient.newEngine("127.0.0.1", 443), server.newEngine());
        assertThat(servedCertificate(noSni)).as("no SNI sent").isEqualTo(fallback.certificate());
        assertThat(TlsInfo.of(noSni.server).serverName()).isNull();
        assertThat(TlsInfo.of(EnginePair.handshake(client().newEngine("x.b.test", 443), server.newEngine()).server)
                .serverName()).isEqualTo("x.b.test");

        assertThat(server.keyManager().chosenByExactName()).isEqualTo(2);
        assertThat(server.keyManager().chosenByWildcard()).isEqualTo(2);
        assertThat(server.keyManager().chosenByDefault()).isEqualTo(3);
        assertThat(server.keyManager().materialFor("q.b.test").leaf()).isEqualTo(wildcard.certificate());
    }

    @Test
    void shouldServeTheNewCertificateToNewHandshakesAfterAReload() throws Exception {
        KeySource.PemFiles files = TestPki.files(dir, "server", serverCert.key(), serverCert.certificate());
        TlsServerContext server = server(TlsServerOptions.of(files));
        SSLEngine engineMadeBeforeTheReload = server.newEngine();
        EnginePair before = EnginePair.handshake(client().newEngine("a.test", 443), server.newEngine());
        TestPki.Issued renewed = TestPki.leaf(ca, "a.test", TestPki.ec(), "a.test");
        Files.writeString(files.certificateChain(), TestPki.pem(renewed.certificate()));
        Files.writeString(files.privateKey(), TestPki.pem(renewed.key()));

        ReloadOutcome outcome = server.reload();

        assertThat(outcome).isEqualTo(new ReloadOutcome.Reloaded(2));
        EnginePair after = EnginePair.handshake(client().newEngine("a.test", 443), server.newEngine());
        EnginePair late = EnginePair.handshake(client().newEngine("a.test", 443), engineMadeBeforeTheReload);
        assertThat(servedCertificate(before)).isEqualTo(serverCert.certificate());
        assertThat(servedCertificate(after)).isEqualTo(renewed.certificate());
        assertThat(servedCertificate(late)).as("an engine made before, handshaking after").isEqualTo(renewed.certificate());
        assertThat(before.clientSends("still open")).as("a connection made before keeps working").isEqualTo("still open");
        assertThat(server.keyManager().generation()).isEqualTo(2);
        assertThat(server.keyManager().reloadsSucceeded()).isEqualTo(1);
        assertThat(server.keyManager().earliestExpiry()).isEqualTo(renewed.certificate().getNotAfter().toInstant());
    }

    @Test
    void shouldKeepTheOldCertificateWhenAReloadFails() throws Exception {
        KeySource.PemFiles files = TestPki.files(dir, "server", serverCert.key(), serverCert.certificate());
        TlsServerContext server = server(TlsServerOptions.of(files));
        TestPki.Issued renewed = TestPki.leaf(ca, "a.test", TestPki.ec(), "a.test");
        Files.writeString(files.certificateChain(), TestPki.pem(renewed.certificate())); // the key not yet renewed

        ReloadOutcome outcome = server.reload();

        assertThat(outcome).isInstanceOfSatisfying(ReloadOutcome.Kept.class, kept -> {
            assertThat(kept.generation()).isEqualTo(1);
            assertThat(kept.reason()).hasMessageContaining(files.privateKey().toString())
                    .hasMessageContaining("does not belong to the certificate");
        });
        EnginePair after = EnginePair.handshake(client().newEngine("a.test", 443), server.newEngine());
        assertThat(servedCertificate(after)).isEqualTo(serverCert.certificate());
        assertThat(server.keyManager().generation()).isEqualTo(1);
        assertThat(server.keyManager().reloadsFailed()).isEqualTo(1);

        Files.writeString(files.privateKey(), TestPki.pem(renewed.key()));
        assertThat(server.keyManager().reloadInBackground(files, Map.of()).get()).isEqualTo(new ReloadOutcome.Reloaded(2));
        assertThat(servedCertificate(EnginePair.handshake(client().newEngine("a.test", 443), server.newEngine())))
                .isEqualTo(renewed.certificate());
    }

    @Test
    void shouldNegotiateAlpnByTheServersPreference() throws Exception {
        TlsServerContext http11 = server(serverOptions());
        TlsServerContext both = server(serverOptions().withApplicationProtocols("h2", "http/1.1"));
        TlsServerContext strict = server(serverOptions().withStrictAlpn(true));
        TlsClientContext offersBoth = TlsClientContext.create(client().options().withApplicationProtocols("http/1.1", "h2"));
        TlsClientContext offersH2 = TlsClientContext.create(client().options().withApplicationProtocols("h2"));
        TlsClientContext offersNone = TlsClientContext.create(client().options().withApplicationProtocols());

        EnginePair agreed = EnginePair.handshake(offersBoth.newEngine("a.test", 443), http11.newEngine());
        EnginePair preferred = EnginePair.handshake(offersBoth.newEngine("a.test", 443), both.newEngine());
        EnginePair lenient = EnginePair.handshake(offersH2.newEngine("a.test", 443), http11.newEngine());
        EnginePair silent = EnginePair.handshake(offersNone.newEngine("a.test", 443), strict.newEngine());
        EnginePair refused = EnginePair.handshake(offersH2.newEngine("a.test", 443), strict.newEngine());

        assertThat(agreed.client.getApplicationProtocol()).isEqualTo("http/1.1");
        assertThat(agreed.server.getApplicationProtocol()).isEqualTo("http/1.1");
        assertThat(preferred.client.getApplicationProtocol()).isEqualTo("h2");
        assertThat(lenient.established()).isTrue();
        assertThat(lenient.client.getApplicationProtocol()).as("no common protocol, lenient: no ALPN").isEmpty();
        assertThat(silent.established()).isTrue();
        assertThat(silent.server.getApplicationProtocol()).isEmpty();
        assertThat(refused.established()).isFalse();
        assertThat(refused.serverFailure).hasMessageContaining("No matching application layer protocol");
        assertThat(refused.clientFailure).hasMessageContaining("no_application_protocol");
    }

    @Test
    void shouldRequireTrustedClientCertificatesForMutualTls() throws Exception {
        TestPki.Issued clientCert = TestPki.leaf(ca, "client-1", TestPki.ec());
        TestPki.Issued stranger = TestPki.ca("Other CA");
        TestPki.Issued strangerCert = TestPki.leaf(stranger, "client-2", TestPki.ec());
        TlsServerContext required = server(serverOptions().withClientAuth(ClientAuth.REQUIRED, TrustSource.pem(caFile())));
        TlsServerContext optional = server(serverOptions().withClientAuth(ClientAuth.OPTIONAL, TrustSource.pem(caFile())));
        TlsClientContext withCert = TlsClientContext.create(client().options()
                .withClientKey(TestPki.files(dir, "client", clientCert.key(), clientCert.certificate())));
        TlsClientContext withStrangerCert = TlsClientContext.create(client().options()
                .withClientKey(TestPki.files(dir, "stranger", strangerCert.key(), strangerCert.certificate())));

        EnginePair accepted = EnginePair.handshake(withCert.newEngine("a.test", 443), required.newEngine());
        EnginePair noCertificate = EnginePair.handshake(client().newEngine("a.test", 443), required.newEngine());
        EnginePair untrusted = EnginePair.handshake(withStrangerCert.newEngine("a.test", 443), required.newEngine());
        EnginePair optionalWithout = EnginePair.handshake(client().newEngine("a.test", 443), optional.newEngine());
        EnginePair optionalUntrusted = EnginePair.handshake(withStrangerCert.newEngine("a.test", 443), optional.newEngine());

        assertThat(accepted.established()).as("%s / %s", accepted.clientFailure, accepted.serverFailure).isTrue();
        assertThat(accepted.server.getSession().getPeerCertificates()[0]).isEqualTo(clientCert.certificate());
        TlsInfo seenByServer = TlsInfo.of(accepted.server);
        assertThat(seenByServer.peerCertificate()).isEqualTo(clientCert.certificate());
        assertThat(seenByServer.serverName()).isEqualTo("a.test");
        assertThat(seenByServer.protocol()).isEqualTo("TLSv1.3");
        assertThat(seenByServer.applicationProtocol()).isEqualTo("http/1.1");
        assertThat(TlsInfo.of(accepted.client).peerChain()).containsExactly(serverCert.certificate(), ca.certificate());
        assertThat(noCertificate.established()).isFalse();
        assertThat(noCertificate.serverFailure).isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("Empty client certificate chain");
        assertThat(untrusted.established()).isFalse();
        assertThat(untrusted.serverFailure).isInstanceOf(SSLHandshakeException.class);
        assertThat(optionalWithout.established()).isTrue();
        assertThatThrownBy(() -> optionalWithout.server.getSession().getPeerCertificates())
                .isInstanceOf(SSLPeerUnverifiedException.class);
        assertThat(TlsInfo.of(optionalWithout.server).peerChain()).isEmpty();
        assertThat(TlsInfo.of(optionalWithout.server).peerCertificate()).isNull();
        assertThat(optionalUntrusted.established()).as("OPTIONAL still refuses an untrusted certificate").isFalse();
    }

    @Test
    void shouldTrustANewClientCaAfterATrustReload() throws Exception {
        TestPki.Issued newCa = TestPki.ca("New CA");
        TestPki.Issued clientCert = TestPki.leaf(newCa, "client-1", TestPki.ec());
        TlsServerContext server = server(serverOptions().withClientAuth(ClientAuth.REQUIRED, TrustSource.pem(caFile())));
        TlsClientContext withCert = TlsClientContext.create(client().options()
                .withClientKey(TestPki.files(dir, "client", clientCert.key(), clientCert.certificate())));

        EnginePair before = EnginePair.handshake(withCert.newEngine("a.test", 443), server.newEngine());
        ReloadOutcome failed = server.clientTrustManager().reload(TrustSource.pem(dir.resolve("missing.pem")));
        ReloadOutcome reloaded = server.clientTrustManager().reload(TrustSource.pem(
                TestPki.write(dir, "new-ca.pem", TestPki.pem(newCa.certificate()))));
        EnginePair after = EnginePair.handshake(withCert.newEngine("a.test", 443), server.newEngine());

        assertThat(before.established()).isFalse();
        assertThat(failed).isInstanceOfSatisfying(ReloadOutcome.Kept.class,
                kept -> assertThat(kept.reason()).hasMessageContaining("missing.pem"));
        assertThat(reloaded).isEqualTo(new ReloadOutcome.Reloaded(2));
        assertThat(server.clientTrustManager().reloadsFailed()).isEqualTo(1);
        assertThat(server.clientTrustManager().reloadsSucceeded()).isEqualTo(1);
        assertThat(server.clientTrustManager().generation()).isEqualTo(2);
        assertThat(after.established()).as("%s / %s", after.clientFailure, after.serverFailure).isTrue();
    }

    @Test
    void shouldRefuseAServerWhoseCertificateNamesAnotherHostOrIsNotTrusted() throws Exception {
        TlsServerContext server = server(serverOptions());
        TlsClientContext jdkTrust = TlsClientContext.create(TlsClientOptions.defaults());
        TlsClientContext noHostCheck = TlsClientContext.create(client().options().withVerifyHostName(false));

        EnginePair mismatch = EnginePair.handshake(client().newEngine("b.test", 443), server.newEngine());
        EnginePair untrusted = EnginePair.handshake(jdkTrust.newEngine("a.test", 443), server.newEngine());
        EnginePair unchecked = EnginePair.handshake(noHostCheck.newEngine("b.test", 443), server.newEngine());

        assertThat(mismatch.established()).isFalse();
        assertThat(mismatch.clientFailure).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("b.test");
        assertThat(untrusted.established()).isFalse();
        assertThat(untrusted.clientFailure).isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("PKIX path building failed");
        assertThat(unchecked.established()).as("the host name check is what refused b.test").isTrue();
    }

    @Test
    void shouldSpeakTls12WhenAskedAndRefuseWhatTheOptionsLeaveOut() throws Exception {
        TlsServerContext server = server(serverOptions());
        TlsServerContext tls13Only = server(serverOptions().withProtocols("TLSv1.3"));
        TlsClientContext tls12Client = TlsClientContext.create(client().options().withProtocols("TLSv1.2"));

        EnginePair tls12 = EnginePair.handshake(tls12Client.newEngine("a.test", 443), server.newEngine());
        EnginePair refused = EnginePair.handshake(tls12Client.newEngine("a.test", 443), tls13Only.newEngine());

        assertThat(tls12.established()).as("%s / %s", tls12.clientFailure, tls12.serverFailure).isTrue();
        assertThat(tls12.server.getSession().getProtocol()).isEqualTo("TLSv1.2");
        assertThat(tls12.server.getSession().getCipherSuite()).matches(TlsChecks::isAead);
        assertThat(refused.established()).isFalse();
        assertThat(refused.serverFailure).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void shouldRefuseATls11ClientHello() throws Exception {
        TlsServerContext server = server(serverOptions());

        EnginePair fed = EnginePair.serverFed(server.newEngine(), tls11ClientHello());

        assertThat(fed.serverFailure).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("TLSv1.1");
    }

    /** A TLS 1.1 ClientHello: version 3.2, two CBC suites, P-256, no supported_versions extension. */
    private static byte[] tls11ClientHello() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x03, 0x02});
        body.writeBytes(new byte[32]);
        body.write(0); // no session id
        body.writeBytes(new byte[] {0x00, 0x04, (byte) 0xC0, 0x09, (byte) 0xC0, 0x13});
        body.writeBytes(new byte[] {0x01, 0x00});
        byte[] extensions = {0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17, 0x00, 0x0b, 0x00, 0x02, 0x01, 0x00};
        body.writeBytes(new byte[] {0x00, (byte) extensions.length});
        body.writeBytes(extensions);
        int length = body.size();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.writeBytes(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) (length + 4), 0x01, 0x00, 0x00, (byte) length});
        record.writeBytes(body.toByteArray());
        return record.toByteArray();
    }
}
