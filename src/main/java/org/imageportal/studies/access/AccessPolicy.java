package org.imageportal.studies.access;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.identity.Actor;
import org.imageportal.identity.Role;

import io.smallrye.mutiny.Uni;

/**
 * The one place that answers "which studies may this actor reach for this action?". Services ask it and turn the
 * answer into their query; nothing else decides access to studies.
 *
 * <ul>
 * <li>Patients: their own studies (the patient record linked to their account), to query and retrieve.</li>
 * <li>Providers: only studies shared with them.</li>
 * <li>Front desk: every study, to query, retrieve (release to patients) and store; and the quarantine.</li>
 * <li>Privacy officers: query only (who/what/when for investigations; no images: minimum necessary), and the
 * deletion of whole studies (records management; deleting shows no image).</li>
 * <li>Admins: no patient data at all; PACS/modality clients: store only.</li>
 * <li>Share-link recipients: the linked study or series, to query and retrieve ({@link #linkScope}).</li>
 * </ul>
 * Quarantined instances are never in any scope except {@link StudyAction#REVIEW_QUARANTINE}.
 */
@ApplicationScoped
public class AccessPolicy {

    private final StudyGrants grants;
    private final EmergencyAccess emergency;

    AccessPolicy(StudyGrants grants, EmergencyAccess emergency) {
        this.grants = grants;
        this.emergency = emergency;
    }

    public Uni<StudyScope> scope(Actor actor, StudyAction action) {
        if (actor == null || !actor.satisfiesMfaRule()) {
            return Uni.createFrom().item(new StudyScope.Denied());
        }
        return switch (action) {
            case STORE -> fixed(actor.has(Role.INGEST) || actor.has(Role.FRONTDESK)
                    ? new StudyScope.All()
                    : new StudyScope.Denied());
            case REVIEW_QUARANTINE -> fixed(actor.has(Role.FRONTDESK) ? new StudyScope.All() : new StudyScope.Denied());
            case DELETE -> fixed(actor.has(Role.PRIVACY_OFFICER) ? new StudyScope.All() : new StudyScope.Denied());
            case DOWNLOAD -> downloadScope(actor);
            case QUERY, RETRIEVE -> actor.has(Role.BREAK_GLASS)
                    ? readScope(actor, action).chain(scope -> emergency.openStudies(actor.subject())
                            .map(open -> withEmergency(scope, open)))
                    : readScope(actor, action);
        };
    }

    /** What the role reaches, plus the studies opened by break-glass while their window is open. */
    private static StudyScope withEmergency(StudyScope scope, Set<UUID> open) {
        if (open.isEmpty()) {
            return scope;
        }
        return switch (scope) {
            case StudyScope.Granted g ->
                new StudyScope.Granted(union(g.studyIds(), open), union(g.wholeStudies(), open),
                        g.seriesUids());
            case StudyScope.Denied d -> new StudyScope.Granted(open, open, Set.of());
            default -> scope;
        };
    }

    private static Set<UUID> union(Set<UUID> a, Set<UUID> b) {
        Set<UUID> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }

    private Uni<StudyScope> readScope(Actor actor, StudyAction action) {
        if (actor.has(Role.FRONTDESK)) {
            return fixed(new StudyScope.All());
        }
        if (actor.has(Role.PRIVACY_OFFICER) && action == StudyAction.QUERY) {
            return fixed(new StudyScope.All());
        }
        if (actor.has(Role.PATIENT)) {
            return fixed(new StudyScope.OwnStudies(actor.subject()));
        }
        if (actor.has(Role.PROVIDER)) {
            return grants.sharedWith(actor.subject()).map(StudyScope.class::cast);
        }
        return fixed(new StudyScope.Denied());
    }

    /** What may be taken away as a copy: patients and the desk as they retrieve; physicians under download grants. */
    private Uni<StudyScope> downloadScope(Actor actor) {
        if (actor.has(Role.FRONTDESK) || actor.has(Role.PATIENT)) {
            return readScope(actor, StudyAction.RETRIEVE);
        }
        if (actor.has(Role.PROVIDER)) {
            return grants.downloadableBy(actor.subject()).map(StudyScope.class::cast);
        }
        return fixed(new StudyScope.Denied());
    }

    /**
     * A share link's recipient (no account; the access code was their second factor): the linked study, or only its
     * linked series, to query and retrieve; downloads only if the link allows them; nothing else.
     */
    public StudyScope linkScope(StudyLinks.LinkBasis link, StudyAction action) {
        return switch (action) {
            case QUERY, RETRIEVE -> new StudyScope.Linked(link.studyId(), link.seriesUids());
            case DOWNLOAD -> link.canDownload()
                    ? new StudyScope.Linked(link.studyId(), link.seriesUids())
                    : new StudyScope.Denied();
            case STORE, REVIEW_QUARANTINE, DELETE -> new StudyScope.Denied();
        };
    }

    private static Uni<StudyScope> fixed(StudyScope scope) {
        return Uni.createFrom().item(scope);
    }
}
