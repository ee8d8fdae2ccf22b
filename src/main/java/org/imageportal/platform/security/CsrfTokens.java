package org.imageportal.platform.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

/**
 * CSRF tokens for every form: a random value in a SameSite=Strict cookie, and in the form its HMAC under the
 * portal's cookie key together with the signed-in session's id (a signed double-submit bound to the session): a
 * cookie and token planted from another session, or taken from before a sign-in, do not pass. Templates write
 * {@code {inject:csrf.field}} inside each form.
 */
@ApplicationScoped
@Named("csrf")
public class CsrfTokens {

    public static final String COOKIE = "portal_csrf";
    public static final String FIELD = "_csrf";
    public static final String HEADER = "X-CSRF-Token";
    static final String PURPOSE = "csrf";

    @Inject
    RoutingContext context;

    @Inject
    CookieSigners signers;

    /** The token for the current browser, creating its cookie on first use. */
    public String token() {
        String seed = Cookies.value(context, COOKIE);
        if (seed == null || seed.length() < 20) {
            seed = context.get(COOKIE);
            if (seed == null) {
                seed = CookieSigner.randomToken(24);
                context.put(COOKIE, seed);
                Cookies.set(context, COOKIE, seed, -1, CookieSameSite.STRICT);
            }
        }
        return signers.signer().sign(PURPOSE, bound(seed, session(context)));
    }

    /**
     * The Keycloak session id of the signed-in page session, or empty. The session guards resolve the identity of
     * every request before forms are rendered or checked, so the routing context holds it by then.
     */
    static String session(RoutingContext context) {
        if (context.user() instanceof io.quarkus.vertx.http.runtime.security.QuarkusHttpUser user
                && user.getSecurityIdentity().getCredential(io.quarkus.oidc.IdTokenCredential.class) != null
                && user.getSecurityIdentity().getPrincipal() instanceof org.eclipse.microprofile.jwt.JsonWebToken id
                && id.getClaim("sid") != null) {
            return id.getClaim("sid").toString();
        }
        return "";
    }

    private static String bound(String seed, String session) {
        return seed + "|" + session;
    }

    /** The hidden input to put in a form. */
    public String field() {
        return "<input type=\"hidden\" name=\"" + FIELD + "\" value=\"" + token() + "\">";
    }

    boolean valid(String seed, String session, String presented) {
        return seed != null && presented != null
                && signers.signer().verify(PURPOSE, bound(seed, session), presented);
    }
}
