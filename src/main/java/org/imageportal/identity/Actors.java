package org.imageportal.identity;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;

/** Builds the {@link Actor} from an authenticated identity (an ID token for pages, an access token for APIs). */
@ApplicationScoped
public class Actors {

    static final String SERVICE_ACCOUNT_PREFIX = "service-account-";

    @Inject
    IdentityConfig config;

    @Inject
    SecurityIdentity identity;

    /**
     * The authenticated caller of the current request; 401 if there is none. Every resource and page takes its
     * caller from here, so how a caller becomes an {@link Actor} is written once.
     */
    public Actor current() {
        return require(identity);
    }

    public Optional<Actor> of(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Optional.empty();
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        identity.getRoles().forEach(name -> Role.fromRealmRole(name).ifPresent(roles::add));
        String username = claim(jwt, "preferred_username");
        boolean machine = username.startsWith(SERVICE_ACCOUNT_PREFIX)
                && config.machineClients().contains(claim(jwt, "azp"));
        return Optional.of(new Actor(jwt.getSubject(), username, displayName(jwt, username), roles,
                hasMfa(jwt.getClaim("acr"), jwt.getClaim("amr")), machine));
    }

    /** The authenticated caller; 401 if there is none (endpoints that already demand authentication). */
    public Actor require(SecurityIdentity identity) {
        return of(identity).orElseThrow(io.quarkus.security.UnauthorizedException::new);
    }

    /**
     * Authentication methods (RFC 8176 {@code amr} values) that make a sign-in multi-factor: the one-time code after
     * the password ({@code otp}), or a passkey ({@code pop}, proof of possession of a key). The realm emits
     * {@code pop} only for passkeys with user verification required, so the key and the screen lock that unlocked it
     * are two factors even without a password.
     */
    static final Set<String> SECOND_FACTORS = Set.of("otp", "pop");

    /**
     * The MFA rule: Keycloak's level-of-authentication flow reports {@code acr=mfa}; other flows that asked for a
     * second factor list it among the authentication methods ({@code amr}).
     */
    static boolean hasMfa(Object acr, Object amr) {
        if (acr != null && "mfa".equals(unquote(acr.toString()))) {
            return true;
        }
        if (amr instanceof Collection<?> methods) {
            return methods.stream().map(m -> unquote(m.toString())).anyMatch(SECOND_FACTORS::contains);
        }
        if (amr instanceof jakarta.json.JsonArray array) {
            return array.stream().map(v -> unquote(v.toString())).anyMatch(SECOND_FACTORS::contains);
        }
        return false;
    }

    private static String displayName(JsonWebToken jwt, String username) {
        String name = claim(jwt, "name");
        if (name.isBlank()) {
            name = (claim(jwt, "given_name") + " " + claim(jwt, "family_name")).trim();
        }
        return name.isBlank() ? username : name;
    }

    private static String claim(JsonWebToken jwt, String name) {
        Object value = jwt.getClaim(name);
        return value == null ? "" : unquote(value.toString());
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }
}
