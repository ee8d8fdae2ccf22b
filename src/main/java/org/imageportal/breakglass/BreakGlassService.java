package org.imageportal.breakglass;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
            OffsetDateTime expiresAt, String review, String reviewNotes, OffsetDateTime endedAt) {
    }

    /**
     * What a clinician searches by; every criterion given must match. {@code name}: every word somewhere in the
     * patient's name, in any order, without regard to accents or case; dates YYYYMMDD or YYYY-MM-DD.
     */
    public record EmergencySearch(String patientId, String birthDate, String name, String studyDate) {
    }

    /** A study found, with who it belongs to, so that the clinician opens the right patient's study. */
    public record Candidate(StudySummary study, String patientName, String patientId, String birthDate) {
    }

    /** One of the clinician's own openings that still gives access, with the study it opened. */
    public record OpenOpening(UUID id, UUID studyId, String studyDate, String studyDescription, List<String> modalities,
            String patientName, String reason, Instant openedAt, Instant expiresAt) {
    }

    /** At most this many studies are listed for one search, newest first. */
    public static final int SEARCH_LIMIT = 50;

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
     * Studies matching every criterion given (at least one of the patient ID, the name, the study date), at most
     * {@link #SEARCH_LIMIT}, newest first, each with its patient's name, ID and birth date. Audited with the
     * criteria's names, never their values; 403 without the permission.
     */
    public List<Candidate> emergencySearch(Actor actor, EmergencySearch criteria) {
        AccessDecision decision = requirePermission(actor);
        String patientId = trimmed(criteria.patientId());
        String birthDate = date(criteria.birthDate(), "birthDate");
        String studyDate = date(criteria.studyDate(), "studyDate");
        List<String> words = nameWords(criteria.name());
        if (patientId == null && words.isEmpty() && studyDate == null) {
            throw ProblemException.invalid("say whose study you need", "patientId",
                    "give the patient ID, the patient's name or the study date");
        }
        SqlWhere where = new SqlWhere().scope(decision.scope());
        List<String> named = new ArrayList<>();
        if (patientId != null) {
            where.and("s.patient_ref IN (SELECT p.id FROM portal.patient p WHERE p.patient_id = ?)", patientId);
            named.add("PatientID");
        }
        if (!words.isEmpty()) {
            for (String word : words) {
                where.and("s.patient_ref IN (SELECT p.id FROM portal.patient p WHERE portal.folded(p.name) LIKE '%' "
                        + "|| portal.folded(?) || '%')", likeEscaped(word));
            }
            named.add("PatientName");
        }
        if (birthDate != null) {
            where.and("s.patient_ref IN (SELECT p.id FROM portal.patient p WHERE p.birth_date = ?)", birthDate);
            named.add("PatientBirthDate");
        }
        if (studyDate != null) {
            where.and("s.study_date = ?", studyDate);
            named.add("StudyDate");
        }
        List<StudySummary> found = catalog.summaries(where, SEARCH_LIMIT).await().indefinitely();
        Map<UUID, Row> patients = new HashMap<>();
        if (!found.isEmpty()) {
            pool.preparedQuery("SELECT s.id, p.name, p.patient_id, p.birth_date FROM portal.study s "
                    + "JOIN portal.patient p ON p.id = s.patient_ref WHERE s.id = ANY($1)")
                    .execute(Tuple.of(found.stream().map(StudySummary::id).toArray(UUID[]::new))).await()
                    .indefinitely().forEach(r -> patients.put(r.getUUID("id"), r));
        }
        audit.record(actor.subject(), "query.studies", "success", null, Map.of("criteria", String.join(",", named),
                "found", found.size(), "breakGlass", "search")).await().indefinitely();
        return found.stream().map(study -> {
            Row p = patients.get(study.id());
            return p == null
                    ? new Candidate(study, "", "", "")
                    : new Candidate(study, p.getString("name"), p.getString("patient_id"), p.getString("birth_date"));
        }).toList();
    }

    private AccessDecision requirePermission(Actor actor) {
        AccessDecision decision = policy.decide(actor, StudyAction.EMERGENCY_SEARCH).await().indefinitely();
        if (decision.denied()) {
            refused(actor).await().indefinitely();
        }
        return decision;
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** A date as DICOM stores it (YYYYMMDD); 400 for anything that is not a date. */
    private static String date(String value, String field) {
        String typed = trimmed(value);
        if (typed == null) {
            return null;
        }
        String compact = typed.replace("-", "");
        try {
            java.time.LocalDate.parse(compact, java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
        } catch (java.time.format.DateTimeParseException e) {
            throw ProblemException.invalid("not a date", field, "give the date as YYYY-MM-DD");
        }
        return compact;
    }

    /** The words of a typed name; a single letter finds too many patients to be a search. */
    private static List<String> nameWords(String name) {
        List<String> words = name == null
                ? List.of()
                : Arrays.stream(name.strip().split("[\\s,^]+")).filter(w -> !w.isBlank()).toList();
        if (!words.isEmpty() && String.join("", words).length() < 2) {
            throw ProblemException.invalid("the name is too short", "name", "type at least two letters of the name");
        }
        return words;
    }

    private static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
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

    /** The actor's own openings that still give access, the one closing first at the top. */
    public Uni<List<OpenOpening>> open(Actor actor) {
        return pool.preparedQuery("SELECT b.id, b.study_ref, b.reason, b.opened_at, b.expires_at, s.study_date, "
                + "s.description, s.modalities, p.name FROM portal.break_glass b JOIN portal.study s ON s.id = b.study_ref "
                + "JOIN portal.patient p ON p.id = b.patient_ref WHERE b.actor = $1 AND b.expires_at > $2 "
                + "AND b.ended_at IS NULL ORDER BY b.expires_at, b.id LIMIT 100")
                .execute(Tuple.of(actor.subject(), clock.instant().atOffset(ZoneOffset.UTC))).map(rows -> {
                    List<OpenOpening> out = new ArrayList<>();
                    for (Row r : rows) {
                        String[] modalities = r.getArrayOfStrings("modalities");
                        out.add(new OpenOpening(r.getUUID("id"), r.getUUID("study_ref"), r.getString("study_date"),
                                r.getString("description"), modalities == null ? List.of() : List.of(modalities),
                                r.getString("name"), r.getString("reason"),
                                r.getOffsetDateTime("opened_at").toInstant(),
                                r.getOffsetDateTime("expires_at").toInstant()));
                    }
                    return out;
                });
    }

    /**
     * Ends one of the actor's own openings before its window runs out: the study closes to them at once. Audited as
     * {@code breakglass.ended}; the opening still waits for its review. 404 for an opening that is not the actor's or
     * no longer gives access.
     */
    public Uni<Opening> end(Actor actor, UUID id) {
        Instant now = clock.instant();
        return pool.withTransaction(tx -> tx.preparedQuery("UPDATE portal.break_glass SET ended_at = $3 WHERE id = $1 "
                + "AND actor = $2 AND ended_at IS NULL AND expires_at > $3 RETURNING study_ref, expires_at")
                .execute(Tuple.of(id, actor.subject(), now.atOffset(ZoneOffset.UTC))).chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().failure(ProblemException.notFound());
                    }
                    Row r = rows.iterator().next();
                    return audit.record(tx, actor.subject(), "breakglass.ended", "success",
                            r.getUUID("study_ref") == null ? null : "study:" + r.getUUID("study_ref"),
                            Map.of("breakGlass", id.toString(), "until",
                                    r.getOffsetDateTime("expires_at").toInstant().toString()));
                })).chain(() -> find(id));
    }

    @Override
    public Uni<Set<UUID>> openStudies(String subject) {
        return pool.preparedQuery("SELECT DISTINCT study_ref FROM portal.break_glass WHERE actor = $1 "
                + "AND expires_at > $2 AND ended_at IS NULL AND study_ref IS NOT NULL")
                .execute(Tuple.of(subject, clock.instant().atOffset(ZoneOffset.UTC))).map(rows -> {
                    Set<UUID> out = new HashSet<>();
                    rows.forEach(r -> out.add(r.getUUID(0)));
                    return out;
                });
    }

    @Override
    public Uni<Optional<UUID>> basis(String subject, UUID studyId) {
        return pool.preparedQuery("SELECT id FROM portal.break_glass WHERE actor = $1 AND study_ref = $2 "
                + "AND expires_at > $3 AND ended_at IS NULL ORDER BY opened_at DESC LIMIT 1")
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
                r.getString("review"), r.getString("review_notes"), r.getOffsetDateTime("ended_at"));
    }

    private static void requireOfficer(Actor actor) {
        if (!actor.has(Role.PRIVACY_OFFICER)) {
            throw new ProblemException(ProblemType.FORBIDDEN, "not allowed for your role");
        }
    }
}
