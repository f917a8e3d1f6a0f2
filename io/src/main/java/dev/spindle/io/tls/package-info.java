/**
 * TLS configuration for Spindle's servers and clients, over the JDK's {@code SSLEngine}: options
 * ({@link dev.spindle.io.tls.TlsServerOptions}, {@link dev.spindle.io.tls.TlsClientOptions}), key
 * and trust sources (PEM files read without the JDK's preview PEM API, or key stores), key and
 * trust managers whose material reloads without a restart, and the contexts that make configured
 * engines. The transport that drives the engines over sockets lives in io's internals.
 */
package dev.spindle.io.tls;
