package org.imageportal.studies.ingest;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.audit.AuditTrail;
import org.imageportal.dicom.PatientIdentity;
import org.imageportal.identity.Actor;
import org.imageportal.notifications.NotificationService;
import org.imageportal.notifications.NotificationService.Kind;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.storage.ObjectKey;
import org.imageportal.studies.PendingObjectRepository;
import org.imageportal.studies.StudyRepository;
import org.imageportal.studies.access.AccessPolicy;
import org.imageportal.studies.access.StudyAction;
import org.imageportal.studies.ingest.QuarantineRepository.HeldRow;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * The staff review of instances held because their patient identity did not match. A person decides: release the
 * instance to a patient (it then joins its study and becomes visible like any other), or delete it (its object
 * goes; if it was the study's last instance, the study and its data key go too). Each decision is audited in its
 * own transaction. Only the front desk may review (access policy: REVIEW_QUARANTINE).
 */
@ApplicationScoped
public class QuarantineService {

    static final int LIST_LIMIT = 500;
    static final int GROUP_LIMIT = 200;
    /** Most instances one group decision handles (a CD holds a few thousand). */
    static final int GROUP_SIZE_LIMIT = 20_000;

    /**
     * One series' instances held for the same reason, with the same identity in the files and the same patient
     * proposed: a mislabelled CD is one group, not one row per image. {@code variant} names the combination.
     */
    public record HeldGroup(UUID seriesId, String variant, int images, String studyDate, String studyDescription,
            String modality, String seriesDescription, Integer seriesNumber, QuarantineReason reason,
            String reasonText, List<String> differingFields, PatientIdentity inFile, UUID proposedPatient,
            PatientIdentity proposed, boolean releasable, OffsetDateTime heldSince) {
    }

    /** What a group decision did: {@code done} of {@code images}, and why it stopped if it did. */
    public record GroupOutcome(int done, int images, String stoppedBecause) {
    }

    /** A held instance as staff see it. */
    public record Held(UUID id, String studyUid, String studyDate, String studyDescription, String modality,
            String seriesDescription, Integer instanceNumber, QuarantineReason reason, String reasonText,
            List<String> differingFields, PatientIdentity inFile, UUID proposedPatient, PatientIdentity proposed,
            boolean releasable, OffsetDateTime heldAt) {
    }

    private final AccessPolicy policy;
    private final QuarantineRepository quarantine;
    private final StudyRepository studies;
    private final PendingObjectRepository pending;
    private final ObjectCleanupService cleanup;
    private final AuditTrail audit;
    private final NotificationService notifications;

    QuarantineService(AccessPolicy policy, QuarantineRepository quarantine, StudyRepository studies,
            PendingObjectRepository pending, ObjectCleanupService cleanup, AuditTrail audit,
            NotificationService notifications) {
        this.policy = policy;
        this.quarantine = quarantine;
        this.studies = studies;
        this.pending = pending;
        this.cleanup = cleanup;
        this.audit = audit;
        this.notifications = notifications;
    }

    /** The oldest held instances first (up to 500). */
    public Uni<List<Held>> list(Actor actor) {
        return allowed(actor).chain(() -> quarantine.list(LIST_LIMIT))
                .map(rows -> rows.stream().map(QuarantineService::held).toList());
    }

    /** The groups, the longest held first (up to 200). */
    public Uni<List<HeldGroup>> groups(Actor actor) {
        return allowed(actor).chain(() -> quarantine.groups(GROUP_LIMIT)).map(rows -> rows.stream()
                .map(r -> new HeldGroup(r.seriesId(), r.variant(), r.images(), r.studyDate(), r.studyDescription(),
                        r.modality(), r.seriesDescription(), r.seriesNumber(), QuarantineReason.valueOf(r.reason()),
                        QuarantineReason.valueOf(r.reason()).description(), QuarantineRepository.fieldList(r.fields()),
                        r.inFile(), r.proposedPatient(), r.proposed(), r.proposedPatient() != null, r.heldSince()))
                .toList());
    }

    /**
     * Releases every instance of a group to its proposed patient, each through {@link #release} (its own
     * transaction and audit row). {@code seen} is how many instances the desk saw in the group: if the group has
     * changed since, nothing is done (409). Stops at the first instance that cannot be released. Blocking.
     */
    public GroupOutcome releaseGroup(Actor actor, UUID series, String variant, int seen) {
        return eachOfGroup(actor, series, variant, seen,
                id -> release(actor, id, Optional.empty()).await().indefinitely());
    }

    /** Deletes every instance of a group, each through {@link #delete}; as {@link #releaseGroup}. Blocking. */
    public GroupOutcome deleteGroup(Actor actor, UUID series, String variant, int seen) {
        return eachOfGroup(actor, series, variant, seen, id -> delete(actor, id));
    }

    private GroupOutcome eachOfGroup(Actor actor, UUID series, String variant, int seen,
            java.util.function.Consumer<UUID> decision) {
        allowed(actor).await().indefinitely();
        if (variant == null || !variant.matches("[0-9a-f]{32}")) {
            throw ProblemException.notFound();
        }
        List<UUID> ids = quarantine.group(series, variant, GROUP_SIZE_LIMIT).await().indefinitely();
        if (ids.isEmpty()) {
            throw ProblemException.notFound();
        }
        if (ids.size() != seen) {
            throw new ProblemException(ProblemType.CONFLICT, "The group has changed since you looked at it (it now "
                    + "holds " + ids.size() + (ids.size() == 1 ? " image" : " images") + "); look at it again.");
        }
        int done = 0;
        for (UUID id : ids) {
            try {
                decision.accept(id);
                done++;
            } catch (ProblemException e) {
                return new GroupOutcome(done, ids.size(), e.problem().detail());
            }
        }
        return new GroupOutcome(done, ids.size(), null);
    }

    public Uni<Held> find(Actor actor, UUID id) {
        return allowed(actor).chain(() -> quarantine.find(id))
                .map(row -> held(row.orElseThrow(ProblemException::notFound)));
    }

    /**
     * Releases a held instance to {@code patient}, or to the proposed patient when none is given. Refused (409) when
     * no patient is known, or when the study already belongs to another patient: a study has one patient, so such
     * an instance must be deleted and sent again for the right one.
     */
    public Uni<Void> release(Actor actor, UUID id, Optional<UUID> patient) {
        return allowed(actor).chain(() -> quarantine.pool().withTransaction(tx -> quarantine.lock(tx, id)
                .chain(found -> {
                    HeldRow held = found.orElseThrow(ProblemException::notFound);
                    UUID target = patient.orElse(held.proposedPatient());
                    if (target == null) {
                        throw new ProblemException(ProblemType.CONFLICT,
                                "No patient is known for this instance; choose the patient it belongs to.");
                    }
                    if (held.studyPatient() != null && !held.studyPatient().equals(target)) {
                        throw new ProblemException(ProblemType.CONFLICT,
                                "The study belongs to another patient. Delete this instance and send it again "
                                        + "for the right patient.");
                    }
                    return quarantine.patientExists(tx, target).chain(exists -> {
                        if (!exists) {
                            throw new ProblemException(ProblemType.VALIDATION, "The chosen patient does not exist.");
                        }
                        return studies.releaseFromQuarantine(tx, id)
                                .chain(() -> studies.linkStudy(tx, held.studyId(), target))
                                .chain(linked -> linked
                                        ? notifications.recordNewStudy(tx, target, held.studyDescription(),
                                                held.studyDate()).replaceWith(target)
                                        : Uni.createFrom().<UUID>nullItem())
                                .call(() -> studies.refreshAggregates(tx, held.studyId()))
                                .call(() -> record(tx, actor, "quarantine.release", held, target));
                    });
                }))).invoke(newStudyOf -> {
                    if (newStudyOf != null) {
                        notifications.email(newStudyOf, Kind.NEW_STUDY);
                    }
                }).replaceWithVoid();
    }

    /** Deletes a held instance and its object; the study too if nothing else is left in it. Blocking. */
    public void delete(Actor actor, UUID id) {
        allowed(actor).await().indefinitely();
        ObjectKey key = quarantine.pool().withTransaction(tx -> quarantine.lock(tx, id).chain(found -> {
            HeldRow held = found.orElseThrow(ProblemException::notFound);
            return studies.deleteInstance(tx, id)
                    .chain(() -> pending.retire(tx, List.of(held.objectKey())))
                    .chain(() -> studies.refreshAggregates(tx, held.studyId()))
                    .chain(() -> studies.pruneEmpty(tx, held.studyId()))
                    .chain(studyGone -> record(tx, actor, studyGone
                            ? "quarantine.delete-with-study"
                            : "quarantine.delete", held, null))
                    .replaceWith(held.objectKey());
        })).await().indefinitely();
        cleanup.removeNow(List.of(key));
    }

    private Uni<Void> record(SqlClient tx, Actor actor, String action, HeldRow held, UUID patient) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("study", held.studyId().toString());
        detail.put("reason", held.reason());
        if (patient != null) {
            detail.put("patient", patient.toString());
        }
        return audit.record(tx, actor.subject(), action, "success", "instance:" + held.id(), detail);
    }

    private Uni<Void> allowed(Actor actor) {
        return policy.decide(actor, StudyAction.REVIEW_QUARANTINE).invoke(decision -> {
            if (decision.denied()) {
                throw new ProblemException(ProblemType.FORBIDDEN, "not allowed for your role");
            }
        }).replaceWithVoid();
    }

    private static Held held(HeldRow r) {
        return new Held(r.id(), r.studyUid(), r.studyDate(), r.studyDescription(), r.modality(),
                r.seriesDescription(), r.instanceNumber(), QuarantineReason.valueOf(r.reason()),
                QuarantineReason.valueOf(r.reason()).description(), QuarantineRepository.fieldList(r.fields()),
                r.inFile(), r.proposedPatient(), r.proposed(), r.proposedPatient() != null, r.heldAt());
    }
}
