package org.imageportal.breakglass;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;

import org.imageportal.audit.AuditTrail;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.studies.SqlWhere;
import org.imageportal.studies.StudyCatalogRepository;
import org.imageportal.studies.StudyRepository;
import org.imageportal.studies.StudySummary;
import org.imageportal.studies.access.AccessDecision;
import org.imageportal.studies.access.AccessPolicy;
import org.imageportal.studies.access.EmergencyAccess;
import org.imageportal.studies.access.StudyAction;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Break-glass: a person with the break-glass permission opens a study outside any share, only by giving a reason,
 * for {@code portal.break-glass.window}. The opening is audited as {@code breakglass.opened}, every image released
 * under it carries the opening's id in its audit entry, and it waits in the privacy officer's review queue
 * (justified or not, with notes). The patient's full access report lists it.
 */
@ApplicationScoped
public class BreakGlassService implements EmergencyAccess {

    /** An opening as the opener and the reviewer see it. */
    public record Opening(UUID id, String actor, String actorName, UUID studyId, String reason, OffsetDateTime openedAt,
            OffsetDateTime expiresAt, String review, String reviewNotes) {
    }

    private final Pool pool;
    private final StudyRepository studies;
    private final StudyCatalogRepository catalog;
    private final AuditTrail audit;
    private final Clock clock;
    private final BreakGlassConfig config;
    private final Validator validator;
    private final AccessPolicy policy;

    BreakGlassService(Pool pool, StudyRepository studies, StudyCatalogRepository catalog, AuditTrail audit,
            Clock clock, BreakGlassConfig config, Validator validator, AccessPolicy policy) {
        this.policy = policy;
        this.validator = validator;
        this.pool = pool;
        this.studies = studies;
        this.catalog = catalog;
        this.audit = audit;
        this.clock = clock;
        this.config = config;
    }

    /**
     * The studies of the patient with this Patient ID and birth date (both must match, as at any identity check), for
     * a person with the break-glass permission to choose the one to open; at most 50, newest first. The search is
     * audited (the criteria's names, never their values); 403 without the permission.
     */
    public List<StudySummary> emergencySearch(Actor actor, String patientId, String birthDate) {
        AccessDecision decision = policy.decide(actor, StudyAction.EMERGENCY_SEARCH).await().indefinitely();
        if (decision.denied()) {
            refused(actor).await().indefinitely();
        }
        if (patientId == null || patientId.isBlank() || birthDate == null || birthDate.isBlank()) {
            throw ProblemException.invalid("give the patient ID and the birth date", "patientId",
                    "both identify the patient: the ID from the wristband or record, and the birth date");
        }
        List<StudySummary> found = catalog.summaries(new SqlWhere().scope(decision.scope())
                .and("s.patient_ref IN (SELECT p.id FROM portal.patient p WHERE p.patient_id = ? "
                        + "AND p.birth_date = ?)", patientId.strip(), birthDate.strip().replace("-", "")),
                50)
                .await().indefinitely();
        audit.record(actor.subject(), "query.studies", "success", null, Map.of("criteria",
                "PatientID,PatientBirthDate", "found", found.size(), "breakGlass", "search")).await().indefinitely();
        return found;
    }

    /** The same opening for a study chosen from {@link #emergencySearch} by its row id (404 if there is none). */
    public Uni<Opening> open(Actor actor, UUID studyId, String reason) {
        return policy.decide(actor, StudyAction.EMERGENCY_SEARCH).chain(decision -> decision.denied()
                ? refused(actor)
                : catalog.archiveStudy(new SqlWhere().scope(decision.scope()).and("s.id = ?", studyId))
                        .chain(found -> opened(actor, new BreakGlassRequest(found.map(
                                StudyCatalogRepository.ArchiveStudy::studyUid).orElseThrow(ProblemException::notFound),
                                reason))));
    }

    /** Opens the study for the actor: 403 without the permission (or the second factor), 404 for an unknown study. */
    public Uni<Opening> open(Actor actor, BreakGlassRequest request) {
        // the permission first: whoever lacks it is refused (and audited) whatever they sent
        return policy.decide(actor, StudyAction.EMERGENCY_SEARCH)
                .chain(decision -> decision.denied() ? refused(actor) : opened(actor, request));
    }

    /** A caller without the break-glass permission: audited as a refused opening, then 403. */
    private <T> Uni<T> refused(Actor actor) {
        return audit.record(actor.subject(), "breakglass.opened", "refused", null, Map.of("reason",
                "no break-glass permission")).chain(
                        () -> Uni.createFrom().failure(new ProblemException(
                                ProblemType.FORBIDDEN, "you do not have the break-glass permission")));
    }

    /** The opening itself, for a caller the policy allowed: the request checked, the row and audit entry written. */
    private Uni<Opening> opened(Actor actor, BreakGlassRequest request) {
        if (request == null) {
            throw ProblemException.invalid("the request is missing", "studyUid", "name the study and the reason");
        }
        Set<ConstraintViolation<BreakGlassRequest>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        String reason = request.reason().strip();
        if (reason.length() < 10) {
            throw ProblemException.invalid("the reason is too short", "reason",
                    "say why in a sentence (10 to 2000 characters)");
        }
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        Instant expires = now.plus(config.window());
        return studies.studyId(request.studyUid().strip()).map(found -> found.orElseThrow(ProblemException::notFound))
                .chain(studyId -> catalog.disclosureFacts(studyId).chain(facts -> pool.withTransaction(tx -> tx
                        .preparedQuery("INSERT INTO portal.break_glass (id, actor, actor_name, study_ref, patient_ref, "
                                + "reason, opened_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                        .execute(Tuple.from(List.of(id, actor.subject(), actor.displayName(), studyId,
                                facts.patientRef(), reason, now.atOffset(ZoneOffset.UTC),
                                expires.atOffset(ZoneOffset.UTC))))
                        .chain(() -> audit.record(tx, actor.subject(), "breakglass.opened", "success",
                                "study:" + studyId, Map.of("breakGlass", id.toString(), "until", expires.toString(),
                                        "patient", facts.patientRef().toString()))))))
                .chain(() -> find(id));
    }

    /** Openings waiting for review, oldest first (privacy officer). */
    public Uni<List<Opening>> pending(Actor actor) {
        requireOfficer(actor);
        return pool
                .preparedQuery("SELECT * FROM portal.break_glass WHERE review = 'PENDING' ORDER BY opened_at LIMIT 500")
                .execute().map(rows -> {
                    List<Opening> out = new ArrayList<>();
                    rows.forEach(r -> out.add(opening(r)));
                    return out;
                });
    }

    /** The privacy officer's finding: justified or not, with notes; once. */
    public Uni<Opening> review(Actor actor, UUID id, boolean justified, String notes) {
        requireOfficer(actor);
        if (notes == null || notes.isBlank()) {
            throw ProblemException.invalid("write what you found", "notes",
                    "note what you checked and why you decided so");
        }
        return pool.withTransaction(tx -> tx.preparedQuery("UPDATE portal.break_glass SET review = $2, "
                + "reviewed_by = $3, reviewed_at = $4, review_notes = $5 WHERE id = $1 AND review = 'PENDING' "
                + "RETURNING study_ref").execute(Tuple.of(id, justified ? "JUSTIFIED" : "NOT_JUSTIFIED",
                        actor.subject(), clock.instant().atOffset(ZoneOffset.UTC), notes.strip()))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().failure(new ProblemException(ProblemType.CONFLICT,
                                "no break-glass opening waits for review under this id"));
                    }
                    return audit.record(tx, actor.subject(), "breakglass.reviewed", "success", "audit",
                            Map.of("breakGlass", id.toString(), "finding", justified ? "JUSTIFIED" : "NOT_JUSTIFIED"));
                })).chain(() -> find(id));
    }

    @Override
    public Uni<Set<UUID>> openStudies(String subject) {
        return pool.preparedQuery("SELECT DISTINCT study_ref FROM portal.break_glass WHERE actor = $1 "
                + "AND expires_at > $2 AND study_ref IS NOT NULL")
                .execute(Tuple.of(subject, clock.instant().atOffset(ZoneOffset.UTC))).map(rows -> {
                    Set<UUID> out = new HashSet<>();
                    rows.forEach(r -> out.add(r.getUUID(0)));
                    return out;
                });
    }

    @Override
    public Uni<Optional<UUID>> basis(String subject, UUID studyId) {
        return pool.preparedQuery("SELECT id FROM portal.break_glass WHERE actor = $1 AND study_ref = $2 "
                + "AND expires_at > $3 ORDER BY opened_at DESC LIMIT 1")
                .execute(Tuple.of(subject, studyId, clock.instant().atOffset(ZoneOffset.UTC)))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getUUID(0)));
    }

    private Uni<Opening> find(UUID id) {
        return pool.preparedQuery("SELECT * FROM portal.break_glass WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> opening(rows.iterator().next()));
    }

    private static Opening opening(Row r) {
        return new Opening(r.getUUID("id"), r.getString("actor"), r.getString("actor_name"), r.getUUID("study_ref"),
                r.getString("reason"), r.getOffsetDateTime("opened_at"), r.getOffsetDateTime("expires_at"),
                r.getString("review"), r.getString("review_notes"));
    }

    private static void requireOfficer(Actor actor) {
        if (!actor.has(Role.PRIVACY_OFFICER)) {
            throw new ProblemException(ProblemType.FORBIDDEN, "not allowed for your role");
        }
    }
}
