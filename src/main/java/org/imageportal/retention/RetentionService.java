package org.imageportal.retention;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.audit.AuditTrail;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.retention.RetentionRules.Decision;
import org.imageportal.studies.StudyRepository;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Retention: which studies have outlived their rule, and their purge. The report lists the studies due (legal holds
 * shown, not purged), the longest overdue first. A purge removes each due study that is not on hold the way a
 * deletion does (its data key destroyed with the row, so every copy of its objects is unreadable; the objects
 * deleted; grants and links gone with it), leaving a tombstone; audit entries and disclosure records stay. Each
 * study is locked while it goes, so several portal instances purging at once remove each study once. The scheduled
 * run only reports unless {@code portal.retention.mode} is {@code PURGE}. Blocking.
 */
@ApplicationScoped
public class RetentionService {

    /** Claims each period of a scheduled job for one instance of the installation. */
    @jakarta.inject.Inject
    org.imageportal.platform.work.ClusterJobs jobs;

    private static final Logger LOG = Logger.getLogger(RetentionService.class);

    /** A study the rules say is due. */
    public record Due(UUID studyId, String studyDate, List<String> modalities, String rule, LocalDate keptUntil,
            boolean legalHold, String legalHoldReason) {
    }

    /** What a purge did. */
    public record Purge(List<UUID> purged, List<UUID> held) {
    }

    private final Pool pool;
    private final StudyRepository studies;
    private final StudyDeletionService deletion;
    private final AuditTrail audit;
    private final Clock clock;
    private final RetentionConfig config;

    RetentionService(Pool pool, StudyRepository studies, StudyDeletionService deletion, AuditTrail audit, Clock clock,
            RetentionConfig config) {
        this.pool = pool;
        this.studies = studies;
        this.deletion = deletion;
        this.audit = audit;
        this.clock = clock;
        this.config = config;
    }

    /** The studies due today (privacy officer), the longest overdue first. */
    public List<Due> report(Actor actor) {
        requireOfficer(actor);
        List<Due> due = due();
        audit.record(actor.subject(), "retention.report", "success", "retention", Map.of("due", due.size())).await()
                .indefinitely();
        return due;
    }

    /** Purges what is due and not on hold (privacy officer, or the scheduled run as "system"). */
    public Purge purge(String by) {
        List<UUID> purged = new ArrayList<>();
        List<UUID> held = new ArrayList<>();
        for (Due d : due()) {
            if (d.legalHold()) {
                held.add(d.studyId());
                continue;
            }
            try {
                deletion.expire(d.studyId(), by, tx -> tx.preparedQuery("INSERT INTO portal.study_tombstone "
                        + "(study_id, patient_ref, study_date, modalities, series_count, instance_count, rule, "
                        + "retention_until, deleted_at, deleted_by) SELECT id, patient_ref, study_date, modalities, "
                        + "series_count, instance_count, $2, $3, $4, $5 FROM portal.study WHERE id = $1")
                        .execute(Tuple.from(Arrays.asList(d.studyId(), d.rule(), d.keptUntil(),
                                clock.instant().atOffset(ZoneOffset.UTC), by)))
                        .replaceWithVoid());
                purged.add(d.studyId());
            } catch (ProblemException e) {
                // gone meanwhile (another instance purged it): nothing left to do
            }
        }
        return new Purge(purged, held);
    }

    public Purge purge(Actor actor) {
        requireOfficer(actor);
        return purge(actor.subject());
    }

    /** Puts a study on legal hold (or releases it): kept whatever the rules say. */
    public void hold(Actor actor, UUID studyId, boolean hold, String reason) {
        requireOfficer(actor);
        if (hold && (reason == null || reason.isBlank())) {
            throw ProblemException.invalid("a legal hold needs its reason", "reason",
                    "name the matter (e.g. the litigation or the request) the study is held for");
        }
        boolean changed = pool.withTransaction(tx -> studies.setLegalHold(tx, studyId, hold,
                hold ? reason.strip() : null)
                .chain(found -> !found
                        ? Uni.createFrom().item(false)
                        : audit.record(tx, actor.subject(), hold ? "retention.hold" : "retention.release", "success",
                                "study:" + studyId, Map.of()).replaceWith(true)))
                .await().indefinitely();
        if (!changed) {
            throw ProblemException.notFound();
        }
    }

    @Scheduled(every = "${portal.retention.every}", delayed = "${portal.retention.first-after:5m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled(io.quarkus.scheduler.ScheduledExecution execution) {
        try {
            if (!jobs.claimNow("retention", execution)) {
                return;
            }
            if (config.mode() == RetentionConfig.Mode.PURGE) {
                Purge p = purge("system:retention");
                LOG.infof("retention: %d studies purged, %d held", p.purged().size(), p.held().size());
            } else {
                List<Due> due = due();
                if (!due.isEmpty()) {
                    LOG.infof("retention: %d studies are due (report only; set portal.retention.mode=PURGE)",
                            due.size());
                }
            }
        } catch (RuntimeException e) {
            LOG.errorf("the retention run failed (%s); it runs again at the next interval",
                    e.getClass().getSimpleName());
        }
    }

    private List<Due> due() {
        List<RetentionRules.Rule> rules = new ArrayList<>();
        pool.query("SELECT priority, modality, max_age_at_study, keep_years, keep_until_age, description "
                + "FROM portal.retention_rule").execute().await().indefinitely().forEach(r -> rules.add(
                        new RetentionRules.Rule(r.getInteger("priority"), r.getString("modality"),
                                r.getInteger("max_age_at_study"), r.getInteger("keep_years"),
                                r.getInteger("keep_until_age"), r.getString("description"))));
        RetentionRules schedule = new RetentionRules(rules);
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        List<Due> due = new ArrayList<>();
        for (Row r : pool.query("SELECT id, study_date, birth_date, modalities, created_at, legal_hold, "
                + "legal_hold_reason FROM portal.study WHERE patient_ref IS NOT NULL").execute().await()
                .indefinitely()) {
            List<String> modalities = Arrays.asList(r.getArrayOfStrings("modalities"));
            Decision decision = schedule.decide(new RetentionRules.Facts(r.getString("study_date"),
                    r.getString("birth_date"), modalities, r.getOffsetDateTime("created_at").toLocalDate()))
                    .orElse(null);
            if (decision != null && decision.keptUntil().isBefore(today)) {
                due.add(new Due(r.getUUID("id"), r.getString("study_date"), modalities, decision.rule().description(),
                        decision.keptUntil(), r.getBoolean("legal_hold"), r.getString("legal_hold_reason")));
            }
        }
        due.sort(Comparator.comparing(Due::keptUntil));
        return due;
    }

    private static void requireOfficer(Actor actor) {
        if (!actor.has(Role.PRIVACY_OFFICER)) {
            throw new ProblemException(ProblemType.FORBIDDEN, "not allowed for your role");
        }
    }
}
