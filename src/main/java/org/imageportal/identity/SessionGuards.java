package org.imageportal.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.imageportal.platform.errors.Problem;
import org.imageportal.platform.errors.ProblemResponses;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.platform.security.CookieSigners;
import org.imageportal.platform.security.Cookies;
import org.imageportal.platform.security.SecurityConfig;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.oidc.IdTokenCredential;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

/**
 * Rules every signed-in request must pass before any resource runs: people must have used their one-time code
 * (MFA), and a page session ends after the configured idle time. A page session that fails either is ended at
 * Keycloak too (RP-initiated logout), so the next sign-in asks for password and code again.
 */
public class SessionGuards {

    private static final Logger LOG = Logger.getLogger(SessionGuards.class);

    static final String ACTIVITY_COOKIE = "portal_activity";
    static final String SIGNOUT_REASON_COOKIE = "portal_signout";
    static final String ACTIVITY_PURPOSE = "activity";

    @Inject
    CurrentIdentityAssociation identities;

    @Inject
    Actors actors;

    @Inject
    ProblemResponses responses;

    @Inject
    SecurityConfig config;

    @Inject
    CookieSigners signers;

    @Inject
    PageSessions sessions;

    @ServerRequestFilter(priority = 50)
    public Uni<Response> check(RoutingContext context) {
        return identities.getDeferredIdentity().chain(identity -> {
            Optional<String> sid = PageSessions.sid(identity);
            if (sid.isEmpty()) {
                return Uni.createFrom().item(decide(identity, context));
            }
            return sessions.ended(sid.get()).map(ended -> ended
                    ? endPageSession(context, "signed-out", sessions.logoutUri(context))
                    : decide(identity, context));
        });
    }

    private Response decide(SecurityIdentity identity, RoutingContext context) {
        Optional<Actor> actor = actors.of(identity);
        if (actor.isEmpty()) {
            return null;
        }
        boolean pageSession = identity.getCredential(IdTokenCredential.class) != null;
        if (!actor.get().satisfiesMfaRule()) {
            LOG.infof("refused a session without MFA (subject %s)", actor.get().subject());
            if (pageSession) {
                return endPageSession(context, "mfa", sessions.logoutUri(context));
            }
            return responses.respond(Problem.of(ProblemType.MFA_REQUIRED,
                    "Sign in with your password and the one-time code from your authenticator app."),
                    context.request());
        }
        if (pageSession && identity.getPrincipal() instanceof JsonWebToken idToken) {
            return checkIdle(idToken, context);
        }
        return null;
    }

    private Response checkIdle(JsonWebToken idToken, RoutingContext context) {
        Object sidClaim = idToken.getClaim("sid");
        String sid = String.valueOf(sidClaim);
        long now = Instant.now().getEpochSecond();
        long timeout = config.sessionIdleTimeout().toSeconds();
        Long lastSeen = lastActivity(Cookies.value(context, ACTIVITY_COOKIE), sid);
        if (lastSeen == null) {
            // No activity recorded for this session: only a sign-in that just happened may start one.
            Object authTime = idToken.getClaim("auth_time");
            lastSeen = authTime == null ? 0L : Long.parseLong(authTime.toString());
        }
        if (now - lastSeen > timeout) {
            LOG.debugf("page session idle for %d s, ending it", now - lastSeen);
            return endPageSession(context, "idle", sessions.logoutUri(context));
        }
        String value = sid + "." + now;
        Cookies.set(context, ACTIVITY_COOKIE, value + "." + signers.signer().sign(ACTIVITY_PURPOSE, value), -1,
                CookieSameSite.LAX);
        return null;
    }

    private Long lastActivity(String cookie, String sid) {
        if (cookie == null) {
            return null;
        }
        int lastDot = cookie.lastIndexOf('.');
        if (lastDot < 0) {
            return null;
        }
        String value = cookie.substring(0, lastDot);
        if (!signers.signer().verify(ACTIVITY_PURPOSE, value, cookie.substring(lastDot + 1))
                || !value.startsWith(sid + ".")) {
            return null;
        }
        try {
            return Long.parseLong(value.substring(sid.length() + 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Ends the session here and at Keycloak; the signed-out page then tells the person why. */
    private static Response endPageSession(RoutingContext context, String reason, String logout) {
        Cookies.set(context, SIGNOUT_REASON_COOKIE, reason, Duration.ofMinutes(10).toSeconds(), CookieSameSite.LAX);
        Cookies.clear(context, ACTIVITY_COOKIE);
        return Response.seeOther(java.net.URI.create(logout)).build();
    }
}
