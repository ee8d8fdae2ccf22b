package org.imageportal.accounts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.accounts.AccountService.ActivationState;
import org.imageportal.audit.AuditTrail;
import org.imageportal.identity.IdentityConfig;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * The activation window of every account the portal issues: the activation code on the slip works once (Keycloak
 * replaces the temporary password with the holder's own) and only until the window closes. A sweep closes
 * windows: an account that was activated is marked so; one that was not is disabled and its code made useless, so
 * a lost or stolen slip opens nothing. The sweep is safe with several portal instances: disabling is idempotent and
 * the row is closed (and audited) by exactly one of them.
 */
@ApplicationScoped
public class ActivationService {

    /** Claims each period of a scheduled job for one instance of the installation. */
    @jakarta.inject.Inject
    org.imageportal.platform.work.ClusterJobs jobs;

    private static final Logger LOG = Logger.getLogger(ActivationService.class);
    private static final int BATCH = 100;

    /** What one sweep did. */
    public record Sweep(int activated, int expired) {
    }

    private final ActivationRepository activations;
    private final AccountService accounts;
    private final AuditTrail audit;
    private final IdentityConfig config;

    ActivationService(ActivationRepository activations, AccountService accounts, AuditTrail audit,
            IdentityConfig config) {
        this.activations = activations;
        this.accounts = accounts;
        this.audit = audit;
        this.config = config;
    }

    /** Opens the window for a newly issued (or re-issued) account, in the caller's transaction. */
    public Uni<Instant> open(SqlClient tx, String subject, UUID patientRef, String issuedBy) {
        Instant now = Instant.now();
        Instant expires = now.plus(config.activationWindow());
        return activations.open(tx, subject, patientRef, issuedBy, now, expires).replaceWith(expires);
    }

    @Scheduled(every = "${portal.identity.activation-sweep-every}", delayed = "${portal.identity.activation-sweep-first-after:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledSweep(io.quarkus.scheduler.ScheduledExecution execution) {
        try {
            if (!jobs.claimNow("identity.activation-sweep", execution)) {
                return;
            }
            Sweep sweep = sweep(Instant.now());
            if (sweep.expired() > 0) {
                LOG.infof("activation sweep: %d expired, %d activated", sweep.expired(), sweep.activated());
            }
        } catch (RuntimeException e) {
            LOG.errorf("activation sweep failed (%s); it runs again at the next interval",
                    e.getClass().getSimpleName());
        }
    }

    /** Closes every window that has passed at {@code now}. Blocking (Keycloak): worker threads only. */
    public Sweep sweep(Instant now) {
        int activated = 0;
        int expired = 0;
        List<ActivationRepository.Pending> due;
        do {
            due = activations.due(now, BATCH).await().indefinitely();
            for (ActivationRepository.Pending pending : due) {
                ActivationState state = accounts.activationState(pending.subject());
                if (state == ActivationState.ACTIVATED) {
                    if (activations.markActivated(pending.subject(), now).await().indefinitely()) {
                        activated++;
                    }
                    continue;
                }
                if (state == ActivationState.PENDING) {
                    accounts.disable(pending.subject());
                }
                boolean closed = activations.pool().withTransaction(tx -> activations
                        .markExpired(tx, pending.subject(), now)
                        .call(ok -> ok
                                ? audit.record(tx, "system", "account.activation-expired", "success",
                                        pending.patientRef() == null
                                                ? "account:" + pending.subject()
                                                : "patient:" + pending.patientRef(),
                                        Map.of("account", pending.subject(), "state", state.name()))
                                : Uni.createFrom().voidItem()))
                        .await().indefinitely();
                if (closed) {
                    expired++;
                }
            }
        } while (due.size() == BATCH);
        return new Sweep(activated, expired);
    }
}
