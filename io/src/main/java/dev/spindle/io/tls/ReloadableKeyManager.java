package dev.spindle.io.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Thread-safe. A key manager whose keys and certificates can be replaced while handshakes run:
 * it picks, for each handshake, the entry for the host name the client sent (SNI; exactly, then
 * under a {@code *.domain} wildcard one label deep, then the default entry) and the key type the
 * JDK asks for.
 *
 * <p>What it serves is one immutable snapshot (exact-name map, wildcard map, default entry, a
 * generation number) read with one volatile read per call. {@link #reload} loads and checks the
 * new material first, on the caller's thread (file reads and a signature per key: call it off
 * any event loop, or use {@link #reloadInBackground}), and then publishes the whole new snapshot
 * with one volatile write; a handshake sees the old snapshot or the new, never a mix. Material
 * that fails its checks is not published: the old stays in use and the outcome says why.
 * Handshakes already past certificate selection finish with what they chose; TLS sessions resumed
 * later keep the certificate of their first handshake.
 *
 * <p>The JDK asks for an alias in one call and for its key and chain in later ones; an alias
 * names its generation, and the snapshot before the current one is kept so that a reload between
 * those calls does not fail the handshake.
 */
public final class ReloadableKeyManager extends X509ExtendedKeyManager {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadableKeyManager.class);

    private volatile State state;
    private final ReentrantLock reloading = new ReentrantLock();
    private final LongAdder reloadsSucceeded = new LongAdder();
    private final LongAdder reloadsFailed = new LongAdder();
    private final LongAdder chosenExact = new LongAdder();
    private final LongAdder chosenWildcard = new LongAdder();
    private final LongAdder chosenDefault = new LongAdder();

    private ReloadableKeyManager(Snapshot first) {
        this.state = new State(first, null);
    }

    /**
     * {@return a key manager serving {@code defaultKey}, and {@code hostKeys} by SNI host name}
     *
     * @throws TlsMaterialException when any of the material cannot be used
     */
    public static ReloadableKeyManager load(KeySource defaultKey, Map<String, KeySource> hostKeys) {
        return new ReloadableKeyManager(Snapshot.load(1, defaultKey, hostKeys));
    }

    /**
     * Loads and checks new material, then swaps it in for new handshakes. Blocks on file reads:
     * never call it on an event loop.
     *
     * @return {@link ReloadOutcome.Reloaded} with the new generation, or {@link ReloadOutcome.Kept}
     *         with the reason the old material stays
     */
    public ReloadOutcome reload(KeySource defaultKey, Map<String, KeySource> hostKeys) {
        reloading.lock(); // one reload at a time, so generations are never skipped or reused
        try {
            State old = state;
            long next = old.current.generation + 1;
            Snapshot fresh;
            try {
                fresh = Snapshot.load(next, defaultKey, hostKeys);
            } catch (TlsMaterialException e) {
                return kept(old, e);
            } catch (RuntimeException e) {
                return kept(old, new TlsMaterialException(null, e.getMessage(), e));
            }
            // Release: the snapshot's maps were filled before this write; a handshake's volatile
            // read of state sees them whole.
            state = new State(fresh, old.current);
            reloadsSucceeded.increment();
            LOG.info("TLS keys reloaded: generation {}, {} host name(s)", next, fresh.hostCount());
            return new ReloadOutcome.Reloaded(next);
        } finally {
            reloading.unlock();
        }
    }

    /** {@return a future of {@link #reload}, run on a new virtual thread} */
    public CompletableFuture<ReloadOutcome> reloadInBackground(KeySource defaultKey, Map<String, KeySource> hostKeys) {
        CompletableFuture<ReloadOutcome> outcome = new CompletableFuture<>();
        Thread.ofVirtual().name("spindle-tls-reload").start(() -> {
            try {
                outcome.complete(reload(defaultKey, hostKeys));
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        });
        return outcome;
    }

    /** {@return the generation of the material in use: 1 at load, one more per successful reload} */
    public long generation() {
        return state.current.generation;
    }

    public long reloadsSucceeded() {
        return reloadsSucceeded.sum();
    }

    public long reloadsFailed() {
        return reloadsFailed.sum();
    }

    /** {@return handshakes served by the entry of the exact host name they sent} */
    public long chosenByExactName() {
        return chosenExact.sum();
    }

    /** {@return handshakes served by a {@code *.domain} entry} */
    public long chosenByWildcard() {
        return chosenWildcard.sum();
    }

    /** {@return handshakes served by the default entry: no SNI, or a name with no entry} */
    public long chosenByDefault() {
        return chosenDefault.sum();
    }

    /**
     * {@return the soonest expiry of the material in use (a gauge: seconds left until a reload
     * must have happened)}
     */
    public Instant earliestExpiry() {
        Instant soonest = Instant.MAX;
        for (Entry entry : state.current.byAlias.values()) {
            Instant expires = entry.material.expires();
            if (expires.isBefore(soonest)) {
                soonest = expires;
            }
        }
        return soonest;
    }

    /** {@return the material a client sending {@code hostName} (or {@code null}: no SNI) would get now} */
    public KeyMaterial materialFor(String hostName) {
        return state.current.select(hostName == null ? null : hostName.toLowerCase(Locale.ROOT)).material;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return chooseServer(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        SSLSession session = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
        return chooseServer(keyType, session);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return chooseClient(keyTypes);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return chooseClient(keyTypes);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return aliases(keyType);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return aliases(keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Entry entry = state.find(alias);
        return entry == null ? null : entry.material.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Entry entry = state.find(alias);
        return entry == null ? null : entry.material.key();
    }

    private String chooseServer(String keyType, SSLSession handshake) {
        Snapshot snapshot = state.current;
        String hostName = requestedHostName(handshake);
        Entry entry = hostName == null ? null : snapshot.exact.get(hostName);
        LongAdder counter = chosenExact;
        if (entry == null) {
            entry = snapshot.wildcardFor(hostName);
            counter = chosenWildcard;
        }
        if (entry == null) {
            entry = snapshot.defaultEntry;
            counter = chosenDefault;
        }
        // The name decides the entry; the key type only says whether it fits. Falling back to the
        // default for another key type would serve a certificate for the wrong name.
        if (!entry.fits(keyType)) {
            return null;
        }
        counter.increment();
        return entry.alias;
    }

    /**
     * A client has one certificate; the server's list of acceptable issuers is not consulted,
     * since a certificate it would refuse is refused either way, with the server's alert.
     */
    private String chooseClient(String[] keyTypes) {
        Entry entry = state.current.defaultEntry;
        for (String keyType : keyTypes) {
            if (entry.fits(keyType)) {
                return entry.alias;
            }
        }
        return null;
    }

    private String[] aliases(String keyType) {
        List<String> aliases = new ArrayList<>();
        for (Entry entry : state.current.byAlias.values()) {
            if (entry.fits(keyType)) {
                aliases.add(entry.alias);
            }
        }
        return aliases.isEmpty() ? null : aliases.toArray(String[]::new);
    }

    private ReloadOutcome kept(State old, TlsMaterialException reason) {
        reloadsFailed.increment();
        LOG.warn("TLS key reload refused, generation {} stays in use: {}", old.current.generation, reason.getMessage());
        return new ReloadOutcome.Kept(old.current.generation, reason);
    }

    /** {@return the first host name the client sent (SNI), in lower case, or {@code null}} */
    static String requestedHostName(SSLSession handshake) {
        if (!(handshake instanceof ExtendedSSLSession extended)) {
            return null;
        }
        for (SNIServerName name : extended.getRequestedServerNames()) {
            if (name.getType() == StandardConstants.SNI_HOST_NAME) {
                String ascii = name instanceof SNIHostName host ? host.getAsciiName()
                        : new SNIHostName(name.getEncoded()).getAsciiName();
                return ascii.toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    private record State(Snapshot current, Snapshot previous) {

        Entry find(String alias) {
            if (alias == null) {
                return null;
            }
            Entry entry = current.byAlias.get(alias);
            if (entry == null && previous != null) {
                entry = previous.byAlias.get(alias);
            }
            return entry;
        }
    }

    private record Entry(String alias, KeyMaterial material, String keyAlgorithm) {

        static Entry of(String alias, KeyMaterial material) {
            return new Entry(alias, material, material.key().getAlgorithm());
        }

        /**
         * The JDK asks by key algorithm ({@code EC}, {@code RSA}, {@code RSASSA-PSS},
         * {@code EdDSA}); TLS 1.2 suites may add the certificate's signature ({@code EC_EC}).
         */
        boolean fits(String keyType) {
            if (keyType == null) {
                return false;
            }
            if (keyType.equals(keyAlgorithm) || keyType.startsWith(keyAlgorithm + "_")) {
                return true;
            }
            return keyAlgorithm.equals("EdDSA") && (keyType.equals("Ed25519") || keyType.equals("Ed448"));
        }
    }

    private record Snapshot(long generation, Entry defaultEntry, Map<String, Entry> exact,
            Map<String, Entry> wildcard, Map<String, Entry> byAlias) {

        static Snapshot load(long generation, KeySource defaultKey, Map<String, KeySource> hostKeys) {
            Objects.requireNonNull(defaultKey, "defaultKey");
            Map<String, Entry> exact = new HashMap<>();
            Map<String, Entry> wildcard = new HashMap<>();
            Map<String, Entry> byAlias = new HashMap<>();
            Entry fallback = Entry.of("g" + generation + ":default", defaultKey.load());
            byAlias.put(fallback.alias, fallback);
            for (Map.Entry<String, KeySource> host : hostKeys.entrySet()) {
                String pattern = TlsChecks.hostPattern(host.getKey());
                Entry entry = Entry.of("g" + generation + ":" + pattern, host.getValue().load());
                byAlias.put(entry.alias, entry);
                if (pattern.startsWith("*.")) {
                    wildcard.put(pattern.substring(2), entry);
                } else {
                    exact.put(pattern, entry);
                }
            }
            return new Snapshot(generation, fallback, Map.copyOf(exact), Map.copyOf(wildcard), Map.copyOf(byAlias));
        }

        Entry wildcardFor(String hostName) {
            if (hostName == null) {
                return null;
            }
            int dot = hostName.indexOf('.');
            return dot < 0 ? null : wildcard.get(hostName.substring(dot + 1));
        }

        Entry select(String hostName) {
            Entry entry = hostName == null ? null : exact.get(hostName);
            if (entry == null) {
                entry = wildcardFor(hostName);
            }
            return entry == null ? defaultEntry : entry;
        }

        int hostCount() {
            return exact.size() + wildcard.size();
        }
    }
}
