package org.imageportal.audit;

import java.util.Map;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.jboss.logging.Logger;

import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Records every refused request (403: a role that does not allow it, a missing second factor, a failed CSRF check)
 * in the audit trail as {@code access.denied}, with the caller, the method and the path with its ids replaced by
 * {@code {id}} (no study UIDs, no link tokens). Written after the response, on its own: a failure to write is
 * logged, never silent, and never changes the answer.
 */
@ApplicationScoped
public class DeniedAccessRecorder {

    private static final Logger LOG = Logger.getLogger(DeniedAccessRecorder.class);
    /** Path segments that identify something: UUIDs, DICOM UIDs, numbers, link tokens. */
    private static final Pattern ID = Pattern.compile("(?<=/)([0-9a-fA-F]{8}-[0-9a-fA-F-]{27}|[0-9]+(\\.[0-9]+)+"
            + "|[0-9]+|[A-Za-z0-9_-]{40,})(?=/|$)");

    private final AuditTrail audit;
    private final Actors actors;

    DeniedAccessRecorder(AuditTrail audit, Actors actors) {
        this.audit = audit;
        this.actors = actors;
    }

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(this::watch);
    }

    void watch(RoutingContext context) {
        context.addEndHandler(done -> {
            if (context.response().getStatusCode() == 403) {
                record(context);
            }
        });
        context.next();
    }

    private void record(RoutingContext context) {
        String actor = "anonymous";
        if (context.user() instanceof QuarkusHttpUser user) {
            actor = actors.of(user.getSecurityIdentity()).map(Actor::subject).orElse("anonymous");
        }
        String path = template(context.request().path());
        audit.record(actor, "access.denied", "refused", null, Map.of("method", context.request().method().name(),
                "path", path)).subscribe().with(ok -> {
                }, e -> LOG.errorf("a refused request (%s %s) could not be written to the audit trail: %s",
                        context.request().method().name(), path, e.getClass().getSimpleName()));
    }

    /** The path with the ids in it (and a share link's token) replaced by {id}. */
    static String template(String path) {
        return path == null ? "" : ID.matcher(path.replaceAll("^/s/[^/]+", "/s/{id}")).replaceAll("{id}");
    }
}
