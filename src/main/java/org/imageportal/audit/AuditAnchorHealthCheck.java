package org.imageportal.audit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the anchor's bucket has answered: until then the trail's head cannot be anchored. */
@Readiness
@ApplicationScoped
class AuditAnchorHealthCheck implements HealthCheck {

    static final String NAME = "audit-anchor";

    private final AuditAnchor anchor;

    AuditAnchorHealthCheck(AuditAnchor anchor) {
        this.anchor = anchor;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            return anchor.ready()
                    ? HealthCheckResponse.named(NAME).up().withData("objectLock", anchor.locked()).build()
                    : HealthCheckResponse.named(NAME).down().build();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return HealthCheckResponse.named(NAME).down().withData("error", cause.getClass().getSimpleName())
                    .build();
        }
    }
}
