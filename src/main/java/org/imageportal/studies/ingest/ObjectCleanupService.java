package org.imageportal.studies.ingest;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.storage.ObjectKey;
import org.imageportal.storage.StudyVault;
import org.imageportal.studies.PendingObjectRepository;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

/**
 * Removes objects that no row owns. Every object that is about to exist or about to go has a pending-object row
 * (written before an upload, or in the transaction that deletes its instance row); the row is removed once the
 * object is indexed or deleted. What is left after a crash or a failed store call is swept here later.
 * Blocking: object-store calls.
 */
@ApplicationScoped
public class ObjectCleanupService {

    /** Claims each period of a scheduled job for one instance of the installation. */
    @jakarta.inject.Inject
    org.imageportal.platform.work.ClusterJobs jobs;

    private static final Logger LOG = Logger.getLogger(ObjectCleanupService.class);

    private final PendingObjectRepository pending;
    private final StudyVault vault;
    private final Duration grace;

    ObjectCleanupService(PendingObjectRepository pending, StudyVault vault, IngestConfig config) {
        this.pending = pending;
        this.vault = vault;
        this.grace = config.orphanGrace();
    }

    /**
     * Deletes objects whose rows are gone (committed) and clears their pending rows; whatever fails stays pending
     * for the sweeper.
     */
    public void removeNow(List<ObjectKey> keys) {
        int failed = 0;
        for (ObjectKey key : keys) {
            try {
                vault.delete(key);
                pending.remove(key).await().indefinitely();
            } catch (RuntimeException e) {
                failed++;
            }
        }
        if (failed > 0) {
            LOG.warnf("%d object(s) could not be deleted now; the sweeper retries them", failed);
        }
    }

    @Scheduled(every = "${portal.ingest.sweep-every}", delayed = "${portal.ingest.sweep-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledSweep(io.quarkus.scheduler.ScheduledExecution execution) {
        if (jobs.claimNow("ingest.orphan-sweep", execution)) {
            sweep();
        }
    }

    /**
     * Deletes pending objects older than the grace period (an upload still running is younger); returns how many
     * were handled.
     */
    public int sweep() {
        List<ObjectKey> stale = pending.stale(grace.toSeconds()).await().indefinitely();
        if (!stale.isEmpty()) {
            removeNow(stale);
            LOG.infof("sweeper: %d orphan object(s) handled", stale.size());
        }
        return stale.size();
    }
}
