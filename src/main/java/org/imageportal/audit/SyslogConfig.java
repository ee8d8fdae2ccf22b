package org.imageportal.audit;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Forwarding the audit trail to an audit record repository as DICOM audit messages in syslog over TLS (RFC 5424
 * messages, RFC 5425 transport; the IHE ATNA way). Off unless enabled.
 */
@ConfigMapping(prefix = "portal.audit.syslog")
public interface SyslogConfig extends RepositoryTls {

    /** Whether to forward at all. */
    @WithDefault("false")
    boolean enabled();

    /** The repository's host name (its certificate must name it). */
    Optional<String> host();

    /** Its TLS syslog port. */
    @WithDefault("6514")
    int port();

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
