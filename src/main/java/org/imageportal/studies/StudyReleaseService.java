package org.imageportal.studies;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.audit.AuditTrail;
import org.imageportal.disclosures.DisclosureLog;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.studies.StudyRecords.StoredInstance;
import org.imageportal.studies.access.AccessDecision;
import org.imageportal.studies.access.AccessDecision.Release;
import org.imageportal.studies.access.AccessPolicy;
import org.imageportal.studies.access.StudyAction;
import org.imageportal.studies.access.StudyCaller;

import io.smallrye.mutiny.Uni;

/**
 * Records a release of a study before any byte is sent, as the access policy's decision for it says: the audit
 * event, and for a recipient outside the practice (a grant's physician, a link's recipient) the disclosure record,
 * both in one transaction, so nothing leaves unrecorded. A grant or opening that ended meanwhile releases nothing
 * (404); a download the basis does not allow is audited as refused and answered 403.
 */
@ApplicationScoped
public class StudyReleaseService {

    private final AuditTrail audit;
    private final AccessPolicy policy;
    private final StudyCatalogRepository catalog;
    private final DisclosureLog disclosures;

    StudyReleaseService(AuditTrail audit, AccessPolicy policy, StudyCatalogRepository catalog,
            DisclosureLog disclosures) {
        this.audit = audit;
        this.policy = policy;
        this.catalog = catalog;
        this.disclosures = disclosures;
    }

    /** A release whose content is known to include a report or not (an archive, a report read). */
    public Uni<Void> record(StudyCaller caller, AccessDecision decision, UUID studyId, int instances,
            String auditAction, DisclosureLog.Action kind, boolean reportIncluded) {
        return policy.release(caller, decision, studyId, action(kind)).chain(release -> record(caller.auditName(),
                release, studyId, new Released(instances, reportIncluded, List.of()), auditAction, kind));
    }

    /** A release of these instances: whether one of them is a report is looked up for the disclosure record. */
    public Uni<Void> record(StudyCaller caller, AccessDecision decision, UUID studyId, List<StoredInstance> instances,
            String auditAction, DisclosureLog.Action kind) {
        return policy.release(caller, decision, studyId, action(kind)).chain(release -> record(caller.auditName(),
                release, studyId, Released.of(instances), auditAction, kind));
    }

    /** What a release holds: how many instances, and whether a report (null: look it up for these SOP UIDs). */
    private record Released(int instances, Boolean reportIncluded, List<String> sopInstanceUids) {

        static Released of(List<StoredInstance> instances) {
            return new Released(instances.size(), null,
                    instances.stream().map(StoredInstance::sopInstanceUid).toList());
        }
    }

    /** A download the caller may not make although they may view the study: audited as refused, then 403. */
    public <T> Uni<T> refuseDownload(StudyCaller caller, UUID studyId) {
        Release.ViewOnly refusal = caller instanceof StudyCaller.LinkRecipient
                ? new Release.ViewOnly("the link allows viewing only", "this link allows viewing only", Map.of())
                : new Release.ViewOnly("viewing only", "this share allows viewing only", Map.of());
        return refuse(caller.auditName(), "study.download", studyId, refusal);
    }

    private Uni<Void> record(String auditActor, Release release, UUID studyId, Released released,
            String auditAction, DisclosureLog.Action kind) {
        int instances = released.instances();
        Map<String, Object> detail = Map.of("instances", instances);
        return switch (release) {
            case Release.Routine r -> audit.record(auditActor, auditAction, "success", "study:" + studyId, detail);
            // a use within the practice flagged with the opening (for its review and the patient's access report)
            case Release.UnderBreakGlass b -> audit.record(auditActor, auditAction, "success", "study:" + studyId,
                    Map.of("instances", instances, "breakGlass", b.opening().toString()));
            case Release.UnderGrant g -> disclose(auditActor, studyId, released, auditAction, detail,
                    facts -> new DisclosureLog.Disclosure(facts.patientRef(), studyId,
                            DisclosureLog.RecipientKind.PROVIDER, g.grant().providerId().toString(),
                            g.grant().providerName(), null, kind, facts.description(), g.grant().purpose(),
                            "grant:" + g.grant().grantId()));
            case Release.UnderLink l -> disclose(auditActor, studyId, released, auditAction, detail,
                    facts -> new DisclosureLog.Disclosure(facts.patientRef(), studyId,
                            DisclosureLog.RecipientKind.LINK, l.link().linkId().toString(), l.link().recipientName(),
                            l.link().claimedName(), kind, facts.description(), l.link().purpose(), auditActor));
            case Release.ViewOnly v -> refuse(auditActor, auditAction, studyId, v);
            case Release.Unreachable u -> Uni.createFrom().failure(ProblemException.notFound());
        };
    }

    private <T> Uni<T> refuse(String auditActor, String auditAction, UUID studyId, Release.ViewOnly refusal) {
        Map<String, Object> detail = new HashMap<>(refusal.detail());
        detail.put("reason", refusal.reason());
        return audit.record(auditActor, auditAction, "refused", "study:" + studyId, detail).chain(
                () -> Uni.createFrom().failure(new ProblemException(ProblemType.FORBIDDEN, refusal.message())));
    }

    private static StudyAction action(DisclosureLog.Action kind) {
        return kind == DisclosureLog.Action.DOWNLOAD ? StudyAction.DOWNLOAD : StudyAction.RETRIEVE;
    }

    /**
     * The disclosure record and the audit event in one statement (so one implicit transaction): if either fails,
     * nothing is released.
     */
    private Uni<Void> disclose(String auditActor, UUID studyId, Released released, String auditAction,
            Map<String, Object> detail,
            Function<StudyCatalogRepository.DisclosureFacts, DisclosureLog.Disclosure> disclosure) {
        return catalog.disclosureFacts(studyId, released.reportIncluded(), released.sopInstanceUids())
                .chain(facts -> audit.recordWith(catalog.pool(),
                        disclosures.insert(disclosure.apply(facts)), auditActor, auditAction, "success",
                        "study:" + studyId,
                        detail));
    }
}
