package org.imageportal.studies;

import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.audit.AuditTrail;
import org.imageportal.platform.work.ClusterJobs;
import org.imageportal.storage.ObjectKey;
import org.imageportal.storage.StudyVault;
import org.imageportal.storage.crypto.WrappedStudyKey;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Reads stored images back and checks them against the index: the object is there, decrypts and authenticates
 * under its study's key, and gives exactly the SHA-256 and size recorded at ingest. A store that loses or alters
 * an object is found by this walk, not when a patient opens the image. A failure is logged as an error (by opaque
 * instance id), audited ({@code storage.scrub}, outcome {@code failed}) and counted in the metrics
 * ({@code portal_scrub_objects_total{outcome}}). Blocking: object-store reads and decryption.
 */
@ApplicationScoped
public class StorageScrubService {

    private static final Logger LOG = Logger.getLogger(StorageScrubService.class);
    static final String WALK = "instances";

    /** What the check of one stored image found; {@code problem} null when it is intact. */
    public record Check(UUID instance, String problem) {

        public boolean intact() {
            return problem == null;
        }
    }

    private record Stored(UUID id, UUID studyRef, ObjectKey key, long size, byte[] sha256, WrappedStudyKey studyKey) {
    }

    private final Pool pool;
    private final StudyVault vault;
    private final AuditTrail audit;
    private final ClusterJobs jobs;
    private final ScrubConfig config;
    private final MeterRegistry meters;

    StorageScrubService(Pool pool, StudyVault vault, AuditTrail audit, ClusterJobs jobs, ScrubConfig config,
            MeterRegistry meters) {
        this.pool = pool;
        this.vault = vault;
        this.audit = audit;
        this.jobs = jobs;
        this.config = config;
        this.meters = meters;
    }

    @Scheduled(every = "${portal.scrub.every:10m}", delayed = "${portal.scrub.first-after:5m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled(io.quarkus.scheduler.ScheduledExecution execution) {
        try {
            if (config.batch() > 0 && jobs.claimNow("storage.scrub", execution)) {
                runOnce(config.batch());
            }
        } catch (RuntimeException e) {
            LOG.error("the read-back scrub failed", e);
        }
    }

    /** Checks the next {@code count} stored images of the walk, going on from where the last run stopped. */
    public List<Check> runOnce(int count) {
        pool.preparedQuery("INSERT INTO portal.scrub_position (walk) VALUES ($1) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(WALK)).await().indefinitely();
        Row position = pool.preparedQuery("SELECT last_id FROM portal.scrub_position WHERE walk = $1")
                .execute(Tuple.of(WALK)).await().indefinitely().iterator().next();
        UUID after = position.getUUID("last_id");
        List<Stored> next = next(after, count);
        boolean wrapped = next.size() < count;
        List<Check> checks = new ArrayList<>();
        for (Stored stored : next) {
            checks.add(check(stored));
        }
        UUID last = next.isEmpty() ? null : next.getLast().id();
        pool.preparedQuery("UPDATE portal.scrub_position SET last_id = $2, passes = passes + $3, updated_at = now() "
                + "WHERE walk = $1").execute(Tuple.of(WALK, wrapped ? null : last, wrapped ? 1 : 0)).await()
                .indefinitely();
        return checks;
    }

    /** Checks one stored image now (null if the index holds no such instance). */
    public Check check(UUID instance) {
        List<Stored> found = select("i.id = $1", Tuple.of(instance));
        return found.isEmpty() ? null : check(found.getFirst());
    }

    private List<Stored> next(UUID after, int count) {
        return after == null
                ? select("true ORDER BY i.id LIMIT $1", Tuple.of(count))
                : select("i.id > $1 ORDER BY i.id LIMIT $2", Tuple.of(after, count));
    }

    private List<Stored> select(String where, Tuple params) {
        List<Stored> out = new ArrayList<>();
        pool.preparedQuery("SELECT i.id, i.study_ref, i.object_key, i.size_bytes, i.sha256, s.wrapped_key, "
                + "s.master_key_id FROM portal.instance i JOIN portal.study s ON s.id = i.study_ref WHERE " + where)
                .execute(params).await().indefinitely().forEach(r -> out.add(new Stored(r.getUUID("id"),
                        r.getUUID("study_ref"), new ObjectKey(r.getString("object_key")), r.getLong("size_bytes"),
                        r.getBuffer("sha256").getBytes(), new WrappedStudyKey(r.getBuffer("wrapped_key").getBytes(),
                                r.getLong("master_key_id")))));
        return out;
    }

    private Check check(Stored stored) {
        String problem;
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long size = 0;
            try (InputStream in = new DigestInputStream(vault.open(stored.studyKey(), stored.studyRef().toString(),
                    stored.key()), sha)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) >= 0;) {
                    size += n;
                }
            }
            if (size != stored.size()) {
                problem = "size differs from the index";
            } else if (!MessageDigest.isEqual(sha.digest(), stored.sha256())) {
                problem = "content differs from the index";
            } else {
                problem = null;
            }
        } catch (Exception e) {
            // missing, unreadable, or failing authentication under its study's key
            problem = "unreadable: " + e.getClass().getSimpleName();
        }
        meters.counter("portal.scrub.objects", "outcome", problem == null ? "intact" : "failed").increment();
        if (problem != null) {
            LOG.errorf("stored image failed its read-back check: instance %s (%s)", stored.id(), problem);
            audit.record("system", "storage.scrub", "failed", "instance:" + stored.id(), Map.of("problem", problem))
                    .await().indefinitely();
        }
        return new Check(stored.id(), problem);
    }
}
