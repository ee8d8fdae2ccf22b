package org.imageportal.audit;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Forwarding the audit trail to an audit record repository that takes FHIR R4 AuditEvents (IHE RESTful ATNA): a
 * batch Bundle POSTed to its FHIR base over HTTPS. Off unless enabled. Studies and patients are named by their
 * standard identifiers only when the portal presents a client certificate (mutual TLS).
 */
@ConfigMapping(prefix = "portal.audit.fhir")
public interface FhirAuditConfig extends RepositoryTls {

    /** Whether to forward at all. */
    @WithDefault("false")
    boolean enabled();

    /** The repository's FHIR base, an https URL (its certificate must name the host). */
    Optional<URI> url();

    /** How often new entries are sent. */
    @WithDefault("30s")
    Duration every();

    /** How many entries at most in one Bundle. */
    @WithDefault("100")
    int batch();

    /** Connect and response timeout. */
    @WithDefault("10s")
    Duration timeout();
}
