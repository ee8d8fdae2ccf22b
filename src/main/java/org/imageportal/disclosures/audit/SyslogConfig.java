package org.imageportal.disclosures.audit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Forwarding the audit trail to an audit record repository as DICOM audit messages in syslog over TLS (RFC 5424
 * messages, RFC 5425 transport; the IHE ATNA way). Off unless enabled.
 */
@ConfigMapping(prefix = "portal.audit.syslog")
public interface SyslogConfig {

    /** Whether to forward at all. */
    @WithDefault("false")
    boolean enabled();

    /** The repository's host name (its certificate must name it). */
    Optional<String> host();

    /** Its TLS syslog port. */
    @WithDefault("6514")
    int port();

    /** A PKCS#12 trust store with the repository's certificate or its CA; the JDK's CAs if left out. */
    Optional<Path> trustStore();

    /** The trust store's password (secret). */
    Optional<String> trustStorePassword();

    /** A PKCS#12 key store with the portal's client certificate, for repositories that require one (mutual TLS). */
    Optional<Path> keyStore();

    /** The key store's password (secret). */
    Optional<String> keyStorePassword();

    /** How often new entries are sent. */
    @WithDefault("30s")
    Duration every();

    /** How many entries at most in one connection. */
    @WithDefault("500")
    int batch();

    /** Connect and read timeout. */
    @WithDefault("10s")
    Duration timeout();
}
