package dev.spindle.io.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsOptionsTest {

    @TempDir
    Path dir;

    @Test
    void shouldDefaultToTls13And12AlpnHttp11NoClientAuthAndBoundedHandshakes() {
        TlsServerOptions server = TlsServerOptions.pem(Path.of("chain.pem"), Path.of("key.pem"));
        TlsClientOptions client = TlsClientOptions.defaults();

        assertThat(server.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(server.applicationProtocols()).containsExactly("http/1.1");
        assertThat(server.strictAlpn()).isFalse();
        assertThat(server.clientAuth()).isEqualTo(ClientAuth.NONE);
        assertThat(server.clientTrust()).isNull();
        assertThat(server.hostKeys()).isEmpty();
        assertThat(server.cipherSuites()).isEmpty();
        assertThat(server.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(server.maxHandshakeBytes()).isEqualTo(64 * 1024);
        assertThat(client.trust()).isEqualTo(TrustSource.JDK_DEFAULT);
        assertThat(client.verifyHostName()).isTrue();
        assertThat(client.clientKey()).isNull();
        assertThat(client.applicationProtocols()).containsExactly("http/1.1");
        assertThat(client.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    }

    @Test
    void shouldRefuseSettingsThatWeakenOrCannotWork() {
        TlsServerOptions server = TlsServerOptions.pem(Path.of("chain.pem"), Path.of("key.pem"));

        assertThatThrownBy(() -> server.withProtocols("TLSv1.3", "TLSv1.1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("protocols: TLSv1.1 is not offered");
        assertThatThrownBy(() -> TlsClientOptions.defaults().withProtocols()).hasMessageContaining("protocols must name");
        assertThatThrownBy(() -> server.withClientAuth(ClientAuth.REQUIRED, null)).hasMessageContaining("clientTrust is required");
        assertThatThrownBy(() -> server.withClientAuth(ClientAuth.OPTIONAL, TrustSource.JDK_DEFAULT))
                .hasMessageContaining("must not be the JDK's public CAs");
        assertThatThrownBy(() -> server.withHandshakeTimeout(Duration.ZERO)).hasMessageContaining("handshakeTimeout");
        assertThatThrownBy(() -> server.withMaxHandshakeBytes(1024)).hasMessageContaining("maxHandshakeBytes");
        assertThatThrownBy(() -> server.withApplicationProtocols("")).hasMessageContaining("applicationProtocols");
        assertThatThrownBy(() -> server.withApplicationProtocols("h2", "h2")).hasMessageContaining("twice");
        assertThatThrownBy(() -> server.withCipherSuites(" ")).hasMessageContaining("cipherSuites");
    }

    @Test
    void shouldAcceptHostNamesAndOneLabelWildcardsInLowerCase() {
        KeySource key = KeySource.pem(Path.of("c.pem"), Path.of("k.pem"));
        TlsServerOptions server = TlsServerOptions.of(key).withHostKey("A.Test", key).withHostKey("*.Example.com", key);

        assertThat(server.hostKeys()).containsOnlyKeys("a.test", "*.example.com");
        for (String bad : List.of("*.com", "a..test", ".a.test", "a.test.", "*.*.test", "a*.test", "bücher.test", "")) {
            assertThatThrownBy(() -> server.withHostKey(bad, key)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("hostKeys");
        }
        assertThatThrownBy(() -> server.withHostKeys(Map.of("a.test", key, "A.TEST", key))).hasMessageContaining("twice");
    }

    @Test
    void shouldKeepOnlyAeadSuitesByDefault() {
        String[] jdk = {"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"};

        assertThat(TlsChecks.enabledSuites(List.of(), jdk)).containsExactly("TLS_AES_256_GCM_SHA384",
                "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
        assertThat(TlsChecks.enabledSuites(List.of("TLS_AES_128_GCM_SHA256"), jdk)).containsExactly("TLS_AES_128_GCM_SHA256");
    }

    @Test
    void shouldConfigureServerEnginesFromTheOptions() {
        TestPki.Issued ca = TestPki.ca("CA");
        TestPki.Issued leaf = TestPki.leaf(ca, "a.test", TestPki.ec(), "a.test");
        Path caFile = TestPki.write(dir, "ca.pem", TestPki.pem(ca.certificate()));
        TlsServerContext context = TlsServerContext.create(TlsServerOptions.of(TestPki.files(dir, "a", leaf.key(),
                leaf.certificate())).withClientAuth(ClientAuth.REQUIRED, TrustSource.pem(caFile)));

        SSLEngine engine = context.newEngine();

        assertThat(engine.getUseClientMode()).isFalse();
        assertThat(engine.getEnabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(engine.getEnabledCipherSuites()).isNotEmpty().allMatch(TlsChecks::isAead);
        assertThat(engine.getEnabledCipherSuites()).noneMatch(s -> s.contains("CBC") || s.contains("NULL"));
        assertThat(engine.getNeedClientAuth()).isTrue();
        assertThat(engine.getSSLParameters().getUseCipherSuitesOrder()).isTrue();
        assertThat(context.keyManager().generation()).isEqualTo(1);
        assertThat(context.clientTrustManager().getAcceptedIssuers()).containsExactly(ca.certificate());
        assertThatThrownBy(() -> TlsServerContext.create(context.options().withCipherSuites("TLS_NO_SUCH_SUITE")))
                .hasMessageContaining("cipherSuites: TLS_NO_SUCH_SUITE is not supported");
    }

    @Test
    void shouldConfigureClientEnginesWithHostNameCheckAndSniForNamesOnly() {
        TlsClientContext context = TlsClientContext.create(TlsClientOptions.defaults().withApplicationProtocols("h2", "http/1.1"));

        SSLEngine named = context.newEngine("localhost", 443);
        SSLEngine ip = context.newEngine("127.0.0.1", 443);
        SSLEngine ipv6 = context.newEngine("::1", 443);

        assertThat(named.getUseClientMode()).isTrue();
        assertThat(named.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(named.getSSLParameters().getServerNames()).extracting(Object::toString)
                .singleElement().asString().contains("localhost");
        assertThat(named.getSSLParameters().getApplicationProtocols()).containsExactly("h2", "http/1.1");
        assertThat(ip.getSSLParameters().getServerNames()).isNullOrEmpty();
        assertThat(ipv6.getSSLParameters().getServerNames()).isNullOrEmpty();
        assertThat(context.trustManager().getAcceptedIssuers()).isNotEmpty(); // the JDK's cacerts
        assertThat(TlsClientContext.create(TlsClientOptions.defaults().withVerifyHostName(false)).newEngine("a.test", 443)
                .getSSLParameters().getEndpointIdentificationAlgorithm()).isNull();
    }
}
