package org.imageportal.studies;

import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.disclosures.DisclosureLog;
import org.imageportal.disclosures.audit.AuditTrail;
import org.imageportal.identity.Actor;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.studies.access.EmergencyAccess;
import org.imageportal.studies.access.StudyGrants;
import org.imageportal.studies.access.StudyLinks;
import org.imageportal.studies.access.StudyScope;

import io.smallrye.mutiny.Uni;

/**
 * Records a release of a study before any byte is sent: the audit event, and for a recipient other than the
 * patient or staff (under a grant) the disclosure record, both in one transaction, so nothing leaves unrecorded.
 * A grant that ended meanwhile releases nothing (404); a download under a view-only grant is refused.
 */
@ApplicationScoped
public class StudyReleaseService {

    private final AuditTrail audit;
    private final StudyGrants grants;
    private final StudyCatalogRepository catalog;
    private final DisclosureLog disclosures;
    private final EmergencyAccess emergency;

    StudyReleaseService(AuditTrail audit, StudyGrants grants, StudyCatalogRepository catalog,
            DisclosureLog disclosures, EmergencyAccess emergency) {
        this.emergency = emergency;
        this.audit = audit;
        this.grants = grants;
        this.catalog = catalog;
        this.disclosures = disclosures;
    }

    Uni<Void> record(Actor actor, StudyScope scope, UUID studyId, int instances, String auditAction,
            DisclosureLog.Action kind) {
        Map<String, Object> detail = Map.of("instances", instances);
        if (!(scope instanceof StudyScope.Granted)) {
            return audit.record(actor.subject(), auditAction, "success", "study:" + studyId, detail);
        }
        return grants.basis(actor.subject(), studyId).chain(basis -> {
            if (basis.isEmpty()) {
                return emergencyRelease(actor, studyId, auditAction, instances, kind);
            }
            StudyGrants.GrantBasis grant = basis.get();
            if (kind == DisclosureLog.Action.DOWNLOAD && !grant.canDownload()) {
                return audit.record(actor.subject(), auditAction, "refused", "study:" + studyId,
                        Map.of("reason", "the grant allows viewing only")).chain(
                                () -> Uni.createFrom().failure(
                                        new ProblemException(ProblemType.FORBIDDEN, "this share allows viewing only")));
            }
            return disclose(actor.subject(), studyId, auditAction, detail,
                    facts -> new DisclosureLog.Disclosure(facts.patientRef(), studyId,
                            DisclosureLog.RecipientKind.PROVIDER, grant.providerId().toString(),
                            grant.providerName(), null, kind, facts.description(), grant.purpose(),
                            "grant:" + grant.grantId()));
        });
    }

    /** A download the actor may not make although they may view the study: audited as refused, then 403. */
    <T> Uni<T> refuseDownload(Actor actor, UUID studyId) {
        return audit.record(actor.subject(), "study.download", "refused", "study:" + studyId,
                Map.of("reason", "viewing only")).chain(
                        () -> Uni.createFrom().failure(
                                new ProblemException(ProblemType.FORBIDDEN, "this share allows viewing only")));
    }

    /**
     * A release under break-glass: audited with the opening's id (so it is flagged and reaches the review and the
     * patient's full access report); a use within the practice, not a disclosure. Viewing only: a copy is not
     * handed out in an emergency (403). Nothing open: 404.
     */
    private Uni<Void> emergencyRelease(Actor actor, UUID studyId, String auditAction, int instances,
            DisclosureLog.Action kind) {
        return emergency.basis(actor.subject(), studyId).chain(open -> {
            if (open.isEmpty()) {
                return Uni.createFrom().failure(ProblemException.notFound());
            }
            if (kind == DisclosureLog.Action.DOWNLOAD) {
                return audit.record(actor.subject(), auditAction, "refused", "study:" + studyId, Map.of("reason",
                        "break-glass allows viewing only", "breakGlass", open.get().toString()))
                        .chain(() -> Uni.createFrom().failure(new ProblemException(ProblemType.FORBIDDEN,
                                "break-glass access is for viewing only")));
            }
            return audit.record(actor.subject(), auditAction, "success", "study:" + studyId, Map.of("instances",
                    instances, "breakGlass", open.get().toString()));
        });
    }

    /**
     * A release to a share link's recipient: audited as the link, disclosed to the name given when the link was
     * issued, for its purpose; a download under a view-only link is refused.
     */
    Uni<Void> recordLink(StudyLinks.LinkBasis link, UUID studyId, int instances, String auditAction,
            DisclosureLog.Action kind) {
        if (kind == DisclosureLog.Action.DOWNLOAD && !link.canDownload()) {
            return audit.record(link.auditActor(), auditAction, "refused", "study:" + studyId,
                    Map.of("reason", "the link allows viewing only")).chain(
                            () -> Uni.createFrom().failure(
                                    new ProblemException(ProblemType.FORBIDDEN, "this link allows viewing only")));
        }
        return disclose(link.auditActor(), studyId, auditAction, Map.of("instances", instances),
                facts -> new DisclosureLog.Disclosure(facts.patientRef(), studyId, DisclosureLog.RecipientKind.LINK,
                        link.linkId().toString(), link.recipientName(), link.claimedName(), kind, facts.description(),
                        link.purpose(),
                        link.auditActor()));
    }

    /**
     * The disclosure record and the audit event in one statement (so one implicit transaction): if either fails,
     * nothing is released.
     */
    private Uni<Void> disclose(String auditActor, UUID studyId, String auditAction, Map<String, Object> detail,
            Function<StudyCatalogRepository.DisclosureFacts, DisclosureLog.Disclosure> disclosure) {
        return catalog.disclosureFacts(studyId).chain(facts -> audit.recordWith(catalog.pool(),
                disclosures.insert(disclosure.apply(facts)), auditActor, auditAction, "success", "study:" + studyId,
                detail));
    }
}
