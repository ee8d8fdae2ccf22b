package org.imageportal.platform.security;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Browser-facing security settings: cookie signing, idle timeout, the portal's public address. */
@ConfigMapping(prefix = "portal.security")
public interface SecurityConfig {

    /**
     * Secret (at least 32 characters) that signs the portal's own cookies (CSRF, session activity). Required; in
     * production it comes from the environment variable PORTAL_COOKIE_KEY.
     */
    String cookieKey();

    /** A signed-in page session that sees no page request for this long is ended, at Keycloak too. */
    @WithDefault("PT15M")
    Duration sessionIdleTimeout();

    /** The address people use to reach the portal, e.g. https://images.example.org (origin checks, links). */
    String publicUrl();
}
