package dev.spindle.samples;

import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.tls.TlsServerContext;
import dev.spindle.io.tls.TlsServerOptions;

import java.nio.file.Path;

/**
 * Thread-safe (stateless). What the samples do with {@code -Dcert=chain.pem -Dkey=key.pem}: serve
 * HTTPS with that certificate chain and PKCS#8 key (the README's one {@code openssl} command makes
 * a development pair); without them, plaintext HTTP.
 */
public final class HttpsFromProperties {

    private HttpsFromProperties() {
    }

    /** {@return {@code options} serving HTTPS if {@code -Dcert} and {@code -Dkey} are given, else as they are} */
    public static HttpServerOptions apply(HttpServerOptions options) {
        String cert = System.getProperty("cert");
        String key = System.getProperty("key");
        if (cert == null && key == null) {
            return options;
        }
        if (cert == null || key == null) {
            throw new IllegalArgumentException("HTTPS needs both -Dcert=<certificate chain PEM> and -Dkey=<PKCS#8 key PEM>");
        }
        return options.withTls(TlsServerContext.create(TlsServerOptions.pem(Path.of(cert), Path.of(key))));
    }

    /** {@return the URL scheme the samples serve: {@code https} with {@code -Dcert}, else {@code http}} */
    public static String scheme() {
        return System.getProperty("cert") == null ? "http" : "https";
    }
}
