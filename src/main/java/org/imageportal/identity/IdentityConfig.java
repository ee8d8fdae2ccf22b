package org.imageportal.identity;

import java.util.Set;

import io.smallrye.config.ConfigMapping;

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
}
