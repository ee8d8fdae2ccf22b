package org.imageportal.platform.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

/**
 * CSRF tokens for every form: a random value in a SameSite=Strict cookie, and in the form its HMAC under the
 * portal's cookie key (a signed double-submit). Templates write {@code {inject:csrf.field}} inside each form.
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
        return signers.signer().sign(PURPOSE, seed);
    }

    /** The hidden input to put in a form. */
    public String field() {
        return "<input type=\"hidden\" name=\"" + FIELD + "\" value=\"" + token() + "\">";
    }

    boolean valid(String seed, String presented) {
        return seed != null && presented != null && signers.signer().verify(PURPOSE, seed, presented);
    }
}
