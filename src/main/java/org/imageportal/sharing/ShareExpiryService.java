package org.imageportal.sharing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.disclosures.DisclosuresConfig;
import org.imageportal.notifications.NotificationService;
import org.imageportal.notifications.NotificationService.Kind;
import org.imageportal.platform.text.Words;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Warns patients, once per share, that a grant or link they gave is about to end ({@code
 * portal.sharing.expiry-warning} before its end), so that a doctor still reading is not cut off by surprise. Only
 * shares that lasted longer than the warning period are warned (a two-day link needs no warning that it ends in two
 * days). Each warning is a notification marked on its share in one transaction; the e-mail follows the commit.
 */
@ApplicationScoped
public class ShareExpiryService {

    private static final Logger LOG = Logger.getLogger(ShareExpiryService.class);
    private static final int BATCH = 200;

    private final GrantRepository grants;
    private final LinkRepository links;
    private final NotificationService notifications;
    private final Clock clock;
    private final Duration warning;
    private final ZoneId zone;

    ShareExpiryService(GrantRepository grants, LinkRepository links, NotificationService notifications,
            Clock clock, SharingConfig config, DisclosuresConfig disclosures) {
        this.grants = grants;
        this.links = links;
        this.notifications = notifications;
        this.clock = clock;
        this.warning = config.expiryWarning();
        this.zone = disclosures.timeZone();
    }

    @Scheduled(every = "${portal.sharing.expiry-check-every}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return warn(clock.instant()).invoke(n -> {
            if (n > 0) {
                LOG.infof("sharing: %d patients warned that a share ends soon", n);
            }
        }).onFailure().invoke(e -> LOG.warnf("sharing: expiry warnings failed (%s)", e.getClass().getSimpleName()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Warns of every share ending within the warning period after {@code now}; the number of patients warned. */
    public Uni<Integer> warn(Instant now) {
        Instant until = now.plus(warning);
        long period = warning.toSeconds();
        Set<UUID> warned = new LinkedHashSet<>();
        return grants.pool().withTransaction(tx -> batches(tx,
                t -> grants.markExpiring(t, now, until, period, BATCH),
                g -> "Your share of " + study(g) + " with " + g.recipient() + " ends on " + day(g) + ".", warned)
                .chain(() -> batches(tx, t -> links.markExpiring(t, now, until, period, BATCH),
                        l -> "The link you made for " + l.recipient() + " (" + study(l) + ") ends on " + day(l)
                                + ".",
                        warned)))
                .invoke(() -> warned.forEach(patient -> notifications.email(patient, Kind.SHARE_EXPIRING)))
                .map(ignored -> warned.size());
    }

    /** Marks and notifies batch after batch until none is left. */
    private Uni<Void> batches(SqlClient tx, Function<SqlClient, Uni<List<GrantRepository.Expiring>>> next,
            Function<GrantRepository.Expiring, String> message, Set<UUID> warned) {
        return next.apply(tx).chain(batch -> {
            if (batch.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            Uni<Void> all = Uni.createFrom().voidItem();
            for (GrantRepository.Expiring share : batch) {
                warned.add(share.patientRef());
                all = all.chain(() -> notifications.record(tx, share.patientRef(), Kind.SHARE_EXPIRING,
                        message.apply(share)));
            }
            return batch.size() < BATCH ? all : all.chain(() -> batches(tx, next, message, warned));
        });
    }

    private static String study(GrantRepository.Expiring share) {
        return share.studyDescription() == null || share.studyDescription().isBlank()
                ? "a study"
                : share.studyDescription().strip();
    }

    private String day(GrantRepository.Expiring share) {
        return Words.date(share.expiresAt().atZoneSameInstant(zone).toLocalDate());
    }
}
