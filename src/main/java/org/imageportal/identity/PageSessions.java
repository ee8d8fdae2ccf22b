package org.imageportal.identity;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.imageportal.platform.security.CookieSigners;
import org.imageportal.platform.security.Cookies;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Page sessions that were signed out, kept in PostgreSQL by Keycloak session id (a share link's sessions by
 * "link:" and a hash of their cookie), so that every portal instance refuses a copied session cookie at once.
 * Sign-out is a POST (a form with the CSRF token); the framework's logout address, which ends the session at
 * Keycloak, is only followed with a fresh signed ticket from that form, so a link or an image on another site cannot
 * sign anyone out.
 */
@ApplicationScoped
public class PageSessions {

    /** Where the framework ends the session (clears the cookie, then RP-initiated logout at Keycloak). */
    public static final String LOGOUT_PATH = "/logout";
    static final String TICKET_PURPOSE = "signout";
    static final String TICKET_COOKIE = "portal_signout_ticket";
    private static final long TICKET_SECONDS = 120;

    private final Pool pool;
    private final CookieSigners signers;

    PageSessions(Pool pool, CookieSigners signers) {
        this.pool = pool;
        this.signers = signers;
    }

    /** The Keycloak session id of a page session, if the identity is one. */
    public static Optional<String> sid(SecurityIdentity identity) {
        if (identity != null && identity.getCredential(io.quarkus.oidc.IdTokenCredential.class) != null
                && identity.getPrincipal() instanceof JsonWebToken idToken && idToken.getClaim("sid") != null) {
            return Optional.of(idToken.getClaim("sid").toString());
        }
        return Optional.empty();
    }

    /** Marks the session as ended for every instance (and forgets sessions ended longer ago than any can live). */
    public Uni<Void> end(String sid) {
        return pool.preparedQuery("WITH purged AS (DELETE FROM portal.ended_session WHERE ended_at < now() - "
                + "interval '2 days') INSERT INTO portal.ended_session (sid) VALUES ($1) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(sid)).replaceWithVoid();
    }

    /** Whether the session was signed out. */
    public Uni<Boolean> ended(String sid) {
        return pool.preparedQuery("SELECT 1 FROM portal.ended_session WHERE sid = $1").execute(Tuple.of(sid))
                .map(rows -> rows.size() > 0);
    }

    /**
     * The framework's logout address, let through for a short while by a signed ticket in a cookie that only this
     * response sets (the framework recognises its logout address only without a query).
     */
    public String logoutUri(RoutingContext context) {
        String issued = Long.toString(Instant.now().getEpochSecond());
        Cookies.set(context, TICKET_COOKIE, issued + "." + signers.signer().sign(TICKET_PURPOSE, issued), LOGOUT_PATH,
                TICKET_SECONDS, CookieSameSite.LAX);
        return LOGOUT_PATH;
    }

    boolean validTicket(String ticket) {
        if (ticket == null || ticket.length() > 200) {
            return false;
        }
        int dot = ticket.indexOf('.');
        if (dot < 1) {
            return false;
        }
        String issued = ticket.substring(0, dot);
        if (!signers.signer().verify(TICKET_PURPOSE, issued, ticket.substring(dot + 1))) {
            return false;
        }
        try {
            long age = Instant.now().getEpochSecond() - Long.parseLong(issued);
            return age >= 0 && age <= TICKET_SECONDS;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    void register(@Observes Router router) {
        router.route(LOGOUT_PATH).order(Integer.MIN_VALUE + 3).handler(this::guardLogout);
    }

    /** Without a ticket from the sign-out form, the logout address only leads home. */
    void guardLogout(RoutingContext context) {
        if (validTicket(Cookies.value(context, TICKET_COOKIE))) {
            Cookies.set(context, TICKET_COOKIE, "", LOGOUT_PATH, 0, CookieSameSite.LAX);
            context.next();
            return;
        }
        context.response().setStatusCode(303).putHeader("Location", "/home").end();
    }
}
