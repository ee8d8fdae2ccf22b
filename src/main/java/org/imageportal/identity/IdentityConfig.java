package org.imageportal.identity;

import java.time.Duration;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the identity provider is and which of its clients are machines rather than people. */
@ConfigMapping(prefix = "portal.identity")
public interface IdentityConfig {

    /** Base URL of Keycloak, e.g. {@code http://localhost:8180}; the realm is appended. */
    String keycloakUrl();

    /** The Keycloak realm holding the portal's users. */
    String realm();

    /**
     * Client ids whose service-account tokens are machines (PACS, modalities). They authenticate with a client
     * secret, so the MFA rule for people does not apply to them; any other token must show MFA.
     */
    Set<String> machineClients();

    /**
     * Secret of the confidential client {@code portal-api}, whose service account creates and maintains people's
     * accounts (realm-management manage-users and view-users only). Secret: PORTAL_KC_API_CLIENT_SECRET.
     */
    String adminClientSecret();

    /** How long the activation code on an access slip or invitation works (then the account is disabled). */
    @WithDefault("PT72H")
    Duration activationWindow();

    /** How often expired activations are looked for (a Quarkus scheduler interval such as {@code 15m}). */
    @WithDefault("15m")
    String activationSweepEvery();

    /**
     * How often sign-in events (successes, failed passwords, failed one-time codes, lockouts, sign-outs, credential
     * changes) and administrative changes (roles, realm configuration) are copied from Keycloak into the audit
     * trail. Keycloak must keep events longer than this (the realm keeps them 30 days).
     */
    @WithDefault("1m")
    String signInEventsEvery();
}
