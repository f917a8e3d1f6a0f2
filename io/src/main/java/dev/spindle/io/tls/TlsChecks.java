package dev.spindle.io.tls;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** Thread-safe (stateless). The checks and defaults both option records share. */
final class TlsChecks {

    static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private TlsChecks() {
    }

    static List<String> protocols(List<String> protocols) {
        List<String> copy = List.copyOf(Objects.requireNonNull(protocols, "protocols"));
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("protocols must name at least one of " + DEFAULT_PROTOCOLS);
        }
        for (String protocol : copy) {
            if (!DEFAULT_PROTOCOLS.contains(protocol)) {
                throw new IllegalArgumentException("protocols: " + protocol + " is not offered; Spindle speaks "
                        + DEFAULT_PROTOCOLS + " only (older versions are broken)");
            }
        }
        if (new HashSet<>(copy).size() != copy.size()) {
            throw new IllegalArgumentException("protocols names one twice: " + copy);
        }
        return copy;
    }

    static List<String> cipherSuites(List<String> suites) {
        List<String> copy = List.copyOf(Objects.requireNonNull(suites, "cipherSuites"));
        for (String suite : copy) {
            if (suite.isBlank()) {
                throw new IllegalArgumentException("cipherSuites holds a blank name: " + copy);
            }
        }
        return copy;
    }

    /** ALPN protocol ids are 1 to 255 bytes (RFC 7301 section 3.1). */
    static List<String> applicationProtocols(List<String> names) {
        List<String> copy = List.copyOf(Objects.requireNonNull(names, "applicationProtocols"));
        for (String name : copy) {
            int bytes = name.getBytes(StandardCharsets.UTF_8).length;
            if (bytes == 0 || bytes > 255) {
                throw new IllegalArgumentException("applicationProtocols: '" + name + "' must be 1 to 255 bytes");
            }
        }
        if (new HashSet<>(copy).size() != copy.size()) {
            throw new IllegalArgumentException("applicationProtocols names one twice: " + copy);
        }
        return copy;
    }

    /** {@return a host name or {@code *.domain} wildcard, in lower case, or an exception naming the fault} */
    static String hostPattern(String name) {
        Objects.requireNonNull(name, "host name");
        String lower = name.toLowerCase(Locale.ROOT);
        String host = lower.startsWith("*.") ? lower.substring(2) : lower;
        if (host.isEmpty() || host.endsWith(".") || host.startsWith(".") || host.contains("..") || host.contains("*")) {
            throw new IllegalArgumentException("hostKeys: '" + name + "' is not a host name or a *.domain wildcard");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
                throw new IllegalArgumentException("hostKeys: '" + name + "' has '" + c + "'; use the ASCII (punycode)"
                        + " form of the name");
            }
        }
        if (lower.startsWith("*.") && !host.contains(".")) {
            throw new IllegalArgumentException("hostKeys: '" + name + "' would cover a whole top-level domain");
        }
        return lower;
    }

    /**
     * {@return the suites to enable: {@code configured} if set, else the JDK's enabled suites that
     * are TLS 1.3's or TLS 1.2's AEAD ones (GCM, ChaCha20-Poly1305, CCM), in the JDK's order}
     */
    static String[] enabledSuites(List<String> configured, String[] jdkEnabled) {
        if (!configured.isEmpty()) {
            return configured.toArray(String[]::new);
        }
        List<String> aead = new ArrayList<>();
        for (String suite : jdkEnabled) {
            if (isAead(suite)) {
                aead.add(suite);
            }
        }
        return aead.toArray(String[]::new);
    }

    static boolean isAead(String suite) {
        if (suite.startsWith("TLS_EMPTY_RENEGOTIATION_INFO")) {
            return true; // a signal (RFC 5746), not a cipher; keeps secure renegotiation announced
        }
        return suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_") || suite.contains("_CCM");
    }
}
