package org.imageportal.retention;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.audit.AuditTrail;
import org.imageportal.identity.Actor;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.studies.PendingObjectRepository;
import org.imageportal.studies.StudyRepository;
import org.imageportal.studies.StudyRepository.StudyObjects;
import org.imageportal.studies.access.AccessPolicy;
import org.imageportal.studies.access.StudyAction;
import org.imageportal.studies.ingest.ObjectCleanupService;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Deletes a whole study. The study row holds the only copy of the study's wrapped data key, so committing the
 * deletion is what makes the images unreadable for good (crypto-shredding): any copy of the objects, in the bucket,
 * a replica or a backup, is ciphertext nobody can decrypt any more. The objects are then removed as well.
 * Blocking.
 */
@ApplicationScoped
public class StudyDeletionService {

    /** Why a study is deleted; recorded in the audit trail. */
    public enum Reason {
        /** The retention period ended. */
        RETENTION_ENDED,
        /** Sent to the portal by mistake (wrong patient, test images, duplicate). */
        SENT_IN_ERROR,
        /** The practice withdrew it (e.g. replaced by a corrected study). */
        WITHDRAWN
    }

    /** What went: the study row and how many instances. */
    public record Deleted(UUID studyId, int instances) {
    }

    private final AccessPolicy policy;
    private final StudyRepository repository;
    private final PendingObjectRepository pending;
    private final ObjectCleanupService cleanup;
    private final AuditTrail audit;

    StudyDeletionService(AccessPolicy policy, StudyRepository repository, PendingObjectRepository pending,
            ObjectCleanupService cleanup,
            AuditTrail audit) {
        this.policy = policy;
        this.repository = repository;
        this.pending = pending;
        this.cleanup = cleanup;
        this.audit = audit;
    }

    public Deleted delete(Actor actor, String studyUid, Reason reason) {
        if (policy.decide(actor, StudyAction.DELETE).await().indefinitely().denied()) {
            throw new ProblemException(ProblemType.FORBIDDEN, "not allowed for your role");
        }
        UUID id = repository.studyId(studyUid).await().indefinitely().orElseThrow(ProblemException::notFound);
        return remove(id, actor.subject(), reason, tx -> Uni.createFrom().voidItem());
    }

    /**
     * Removes a study whose retention ended (the retention job decided; no role check here), writing
     * {@code alsoInTransaction} (the tombstone) with it. 404 if it is gone already.
     */
    Deleted expire(UUID id, String by, Function<SqlClient, Uni<Void>> alsoInTransaction) {
        return remove(id, by, Reason.RETENTION_ENDED, alsoInTransaction);
    }

    private Deleted remove(UUID id, String by, Reason reason, Function<SqlClient, Uni<Void>> alsoInTransaction) {
        StudyObjects deleted = repository.pool().withTransaction(tx -> repository.lockStudyObjects(tx, id)
                .chain(found -> {
                    StudyObjects objects = found.orElseThrow(ProblemException::notFound);
                    Map<String, Object> detail = new LinkedHashMap<>();
                    detail.put("instances", objects.instances());
                    detail.put("reason", reason.name());
                    return alsoInTransaction.apply(tx)
                            .chain(() -> pending.retire(tx, objects.keys()))
                            .chain(() -> repository.deleteStudy(tx, id))
                            .chain(() -> audit.record(tx, by, "study.delete", "success", "study:" + id, detail))
                            .replaceWith(objects);
                })).await().indefinitely();
        cleanup.removeNow(deleted.keys());
        return new Deleted(id, deleted.instances());
    }
}
