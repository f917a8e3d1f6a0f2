package dev.spindle.io.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadableKeyManagerTest {

    @TempDir
    Path dir;

    private final TestPki.Issued ca = TestPki.ca("Test CA");
    private final TestPki.Issued ecCert = TestPki.leaf(ca, "a.test", TestPki.ec(), "a.test");

    @Test
    void shouldAnswerForAnAliasOfThePreviousGenerationSoAReloadMidHandshakeDoesNotFailIt() {
        KeySource first = TestPki.files(dir, "first", ecCert.key(), ecCert.certificate());
        TestPki.Issued renewed = TestPki.leaf(ca, "a.test", TestPki.ec(), "a.test");
        KeySource second = TestPki.files(dir, "second", renewed.key(), renewed.certificate());
        ReloadableKeyManager keys = ReloadableKeyManager.load(first, Map.of());

        String chosen = keys.chooseEngineServerAlias("EC", null, null);
        keys.reload(second, Map.of());

        assertThat(keys.getPrivateKey(chosen)).as("chosen before the reload, asked for after").isEqualTo(ecCert.key());
        assertThat(keys.getCertificateChain(chosen)).containsExactly(ecCert.certificate());
        assertThat(keys.chooseEngineServerAlias("EC", null, null)).isNotEqualTo(chosen);
        keys.reload(first, Map.of());
        assertThat(keys.getPrivateKey(chosen)).as("two generations back").isNull();
        assertThat(keys.getPrivateKey("no such alias")).isNull();
    }

    @Test
    void shouldNeverServeAnotherNamesCertificateForAKeyTypeTheNamesEntryLacks() {
        TestPki.Issued rsaDefault = TestPki.leaf(ca, "default.test", TestPki.rsa(), "default.test");
        ReloadableKeyManager keys = ReloadableKeyManager.load(
                TestPki.files(dir, "default", rsaDefault.key(), rsaDefault.certificate()),
                Map.of("a.test", TestPki.files(dir, "a", ecCert.key(), ecCert.certificate())));

        assertThat(keys.chooseEngineServerAlias("RSA", null, null)).isNotNull(); // no SNI: the default, RSA
        assertThat(keys.chooseEngineServerAlias("EC", null, null)).isNull();
        assertThat(keys.getServerAliases("EC", null)).hasSize(1);
        assertThat(keys.getServerAliases("RSA", null)).hasSize(1);
        assertThat(keys.getServerAliases("EdDSA", null)).isNull();
        assertThat(keys.chooseEngineClientAlias(new String[] {"EC", "RSA"}, null, null)).isNotNull();
        assertThat(keys.chooseEngineClientAlias(new String[] {"EC"}, null, null)).isNull();
    }

    @Test
    void shouldRefuseAReloadWithABadHostNameAndKeepServing() {
        KeySource source = TestPki.files(dir, "a", ecCert.key(), ecCert.certificate());
        ReloadableKeyManager keys = ReloadableKeyManager.load(source, Map.of());

        ReloadOutcome outcome = keys.reload(source, Map.of("*.com", source));

        assertThat(outcome).isInstanceOfSatisfying(ReloadOutcome.Kept.class,
                kept -> assertThat(kept.reason()).hasMessageContaining("*.com"));
        assertThat(keys.generation()).isEqualTo(1);
        assertThat(keys.materialFor(null).leaf()).isEqualTo(ecCert.certificate());
    }

    @Test
    void shouldCompleteEveryHandshakeWithTheOldOrTheNewCertificateWhileReloadsRun() throws Exception {
        TestPki.Issued other = TestPki.leaf(ca, "a.test", TestPki.ec(), "a.test");
        KeySource first = TestPki.files(dir, "first", ecCert.key(), ecCert.certificate());
        KeySource second = TestPki.files(dir, "second", other.key(), other.certificate());
        TlsServerContext server = TlsServerContext.create(TlsServerOptions.of(first));
        TlsClientOptions client = TlsClientOptions.defaults()
                .withTrust(TrustSource.pem(TestPki.write(dir, "ca.pem", TestPki.pem(ca.certificate()))));
        ConcurrentLinkedQueue<Object> outcomes = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(2);
        for (int t = 0; t < 2; t++) {
            Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 25; i++) {
                        EnginePair pair = EnginePair.handshake(TlsClientContext.create(client).newEngine("a.test", 443),
                                server.newEngine());
                        outcomes.add(pair.established()
                                ? pair.client.getSession().getPeerCertificates()[0]
                                : pair.clientFailure + " / " + pair.serverFailure);
                    }
                } catch (Exception e) {
                    outcomes.add(e);
                } finally {
                    done.countDown();
                }
            });
        }
        int reloads = 0;
        while (done.getCount() > 0) { // reload, back and forth, for as long as handshakes run
            assertThat(server.keyManager().reload(reloads % 2 == 0 ? second : first, Map.of()))
                    .isInstanceOf(ReloadOutcome.Reloaded.class);
            reloads++;
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();

        assertThat(outcomes).hasSize(50).allMatch(o -> o instanceof X509Certificate, "a served certificate")
                .allMatch(o -> List.of(ecCert.certificate(), other.certificate()).contains(o));
        assertThat(reloads).isPositive();
        assertThat(server.keyManager().generation()).isEqualTo(1 + reloads);
    }
}
