package org.imageportal.identity;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.imageportal.platform.security.CookieSigner;
import org.imageportal.platform.security.SecurityConfig;

/**
 * Where a signed-in person adds a passkey: Keycloak's own registration page, reached as an application-initiated
 * action ({@code kc_action}) of the portal's web client, so Keycloak checks the recent sign-in and stores the
 * credential, and the portal never handles key material.
 */
@ApplicationScoped
public class PasskeyRegistration {

    /** Keycloak's required action that registers a passkey usable without a password (and as a second factor). */
    public static final String ACTION = "webauthn-register-passwordless";

    @Inject
    IdentityConfig identity;

    @Inject
    SecurityConfig security;

    @ConfigProperty(name = "quarkus.oidc.client-id")
    String clientId;

    /**
     * The address that starts the registration and comes back to the home page. The web client demands PKCE: the
     * challenge is of a verifier nobody keeps, so the code Keycloak sends back with the person cannot be exchanged
     * for tokens by anyone (the portal's session stays as it was).
     */
    public String uri() {
        String challenge = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(sha256(CookieSigner.randomToken(32)));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", clientId);
        query.put("response_type", "code");
        query.put("scope", "openid");
        query.put("redirect_uri", security.publicUrl() + "/home");
        query.put("kc_action", ACTION);
        query.put("state", CookieSigner.randomToken(16));
        query.put("code_challenge", challenge);
        query.put("code_challenge_method", "S256");
        return identity.keycloakUrl() + "/realms/" + identity.realm() + "/protocol/openid-connect/auth?"
                + query.entrySet().stream()
                        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
