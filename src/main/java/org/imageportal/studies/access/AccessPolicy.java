package org.imageportal.studies.access;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.identity.Actor;
import org.imageportal.identity.Role;
import org.imageportal.studies.access.AccessDecision.Basis;
import org.imageportal.studies.access.AccessDecision.Release;

import io.smallrye.mutiny.Uni;

/**
 * The one place that answers "which studies may this caller reach for this action, and why?". Services ask it,
 * turn the scope into their query and record each release as {@link #release} says; nothing else decides access to
 * studies (an architecture test forbids building a scope anywhere else).
 *
 * <ul>
 * <li>Patients: their own studies (the patient record linked to their account), to query, retrieve, download,
 * share and revoke their shares.</li>
 * <li>Providers: only studies shared with them; downloads only under grants that allow them. With the break-glass
 * role, also the studies they opened in an emergency while the window is open, to view only.</li>
 * <li>Front desk: every study, to query, retrieve (release to patients), download, store, de-identify, share for a
 * patient and revoke; and the quarantine.</li>
 * <li>Privacy officers: query only (who/what/when for investigations; no images: minimum necessary), revoking
 * shares, and the deletion of whole studies (records management; deleting shows no image).</li>
 * <li>Admins: no patient data at all; PACS/modality clients: store only.</li>
 * <li>Share-link recipients: the linked study or series, to query and retrieve; downloads if the link allows
 * (a {@link StudyCaller.LinkRecipient}).</li>
 * </ul>
 * Every scope but {@link StudyAction#REVIEW_QUARANTINE}'s leaves out quarantined instances
 * ({@link StudyScope#RELEASABLE_INSTANCE}). A caller without the second factor the MFA rule asks for reaches nothing.
 */
@ApplicationScoped
public class AccessPolicy {

    private final StudyGrants grants;
    private final EmergencyAccess emergency;

    AccessPolicy(StudyGrants grants, EmergencyAccess emergency) {
        this.grants = grants;
        this.emergency = emergency;
    }

    /** The decision for any caller of a study: a person or client, or a share link's recipient. */
    public Uni<AccessDecision> decide(StudyCaller caller, StudyAction action) {
        return switch (caller) {
            case StudyCaller.Person person -> decide(person.actor(), action);
            case StudyCaller.LinkRecipient recipient -> fixed(decide(recipient.link(), action));
        };
    }

    /** The decision for a signed-in person or a client. */
    public Uni<AccessDecision> decide(Actor actor, StudyAction action) {
        if (actor == null || !actor.satisfiesMfaRule()) {
            return fixed(AccessDecision.refused());
        }
        return switch (action) {
            case STORE -> byRoleIf(actor.has(Role.INGEST) || actor.has(Role.FRONTDESK));
            case REVIEW_QUARANTINE, DEIDENTIFY -> byRoleIf(actor.has(Role.FRONTDESK));
            case DELETE -> byRoleIf(actor.has(Role.PRIVACY_OFFICER));
            case EMERGENCY_SEARCH -> fixed(actor.has(Role.BREAK_GLASS)
                    ? new AccessDecision(new StudyScope.All(), Set.of(Basis.BREAK_GLASS))
                    : AccessDecision.refused());
            case SHARE -> sharing(actor, actor.has(Role.FRONTDESK));
            case REVOKE_SHARE -> sharing(actor, actor.has(Role.FRONTDESK) || actor.has(Role.PRIVACY_OFFICER));
            case DOWNLOAD -> downloadDecision(actor);
            case QUERY, RETRIEVE -> actor.has(Role.BREAK_GLASS)
                    ? readDecision(actor, action).chain(decision -> emergency.openStudies(actor.subject())
                            .map(open -> withEmergency(decision, open)))
                    : readDecision(actor, action);
        };
    }

    /**
     * A share link's recipient (no account; the access code was their second factor): the linked study, or only its
     * linked series, to query and retrieve; downloads only if the link allows them; nothing else.
     */
    private static AccessDecision decide(StudyLinks.LinkBasis link, StudyAction action) {
        AccessDecision linked = new AccessDecision(new StudyScope.Linked(link.studyId(), link.seriesUids()),
                Set.of(Basis.LINK));
        return switch (action) {
            case QUERY, RETRIEVE -> linked;
            case DOWNLOAD -> link.canDownload() ? linked : AccessDecision.refused();
            case STORE, REVIEW_QUARANTINE, DELETE, DEIDENTIFY, SHARE, REVOKE_SHARE, EMERGENCY_SEARCH ->
                AccessDecision.refused();
        };
    }

    /**
     * How a release of one study reached under {@code decision} is recorded: a routine use (role, own record), a
     * disclosure under the grant that covers it, a use under break-glass; or refused because the basis allows
     * viewing only, or unreachable because the grant or the opening ended meanwhile.
     */
    public Uni<Release> release(StudyCaller caller, AccessDecision decision, UUID studyId, StudyAction action) {
        return switch (caller) {
            case StudyCaller.Person person -> release(person.actor(), decision, studyId, action);
            case StudyCaller.LinkRecipient recipient -> fixed(release(recipient.link(), action));
        };
    }

    private Uni<Release> release(Actor actor, AccessDecision decision, UUID studyId, StudyAction action) {
        if (!(decision.scope() instanceof StudyScope.Granted)) {
            return fixed(new Release.Routine(decision.bases()));
        }
        boolean download = action == StudyAction.DOWNLOAD;
        return grants.basis(actor.subject(), studyId).chain(grant -> {
            if (grant.isPresent()) {
                return fixed(download && !grant.get().canDownload()
                        ? new Release.ViewOnly("the grant allows viewing only",
                                "this share allows viewing only", Map.of())
                        : new Release.UnderGrant(grant.get()));
            }
            return emergency.basis(actor.subject(), studyId).map(open -> {
                if (open.isEmpty()) {
                    return new Release.Unreachable();
                }
                return download
                        ? new Release.ViewOnly("break-glass allows viewing only",
                                "break-glass access is for viewing only", Map.of("breakGlass", open.get().toString()))
                        : new Release.UnderBreakGlass(open.get());
            });
        });
    }

    /** How a release under a share link is recorded: a disclosure to its recipient, or refused if view-only. */
    private static Release release(StudyLinks.LinkBasis link, StudyAction action) {
        return action == StudyAction.DOWNLOAD && !link.canDownload()
                ? new Release.ViewOnly("the link allows viewing only", "this link allows viewing only",
                        Map.of())
                : new Release.UnderLink(link);
    }

    /** What the role reaches, plus the studies opened by break-glass while their window is open. */
    private static AccessDecision withEmergency(AccessDecision decision, Set<UUID> open) {
        if (open.isEmpty()) {
            return decision;
        }
        Set<Basis> bases = EnumSet.of(Basis.BREAK_GLASS);
        bases.addAll(decision.bases());
        return switch (decision.scope()) {
            case StudyScope.Granted g -> new AccessDecision(
                    new StudyScope.Granted(union(g.studyIds(), open), union(g.wholeStudies(), open), g.seriesUids()),
                    bases);
            case StudyScope.Denied d -> new AccessDecision(new StudyScope.Granted(open, open, Set.of()), bases);
            default -> decision;
        };
    }

    private static Set<UUID> union(Set<UUID> a, Set<UUID> b) {
        Set<UUID> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }

    private Uni<AccessDecision> readDecision(Actor actor, StudyAction action) {
        if (actor.has(Role.FRONTDESK)) {
            return fixed(AccessDecision.byRole());
        }
        if (actor.has(Role.PRIVACY_OFFICER) && action == StudyAction.QUERY) {
            return fixed(AccessDecision.byRole());
        }
        if (actor.has(Role.PATIENT)) {
            return fixed(ownRecord(actor));
        }
        if (actor.has(Role.PROVIDER)) {
            return grants.sharedWith(actor.subject()).map(AccessPolicy::granted);
        }
        return fixed(AccessDecision.refused());
    }

    /** What may be taken away as a copy: patients and the desk as they retrieve; physicians under download grants. */
    private Uni<AccessDecision> downloadDecision(Actor actor) {
        if (actor.has(Role.FRONTDESK) || actor.has(Role.PATIENT)) {
            return readDecision(actor, StudyAction.RETRIEVE);
        }
        if (actor.has(Role.PROVIDER)) {
            return grants.downloadableBy(actor.subject()).map(AccessPolicy::granted);
        }
        return fixed(AccessDecision.refused());
    }

    /** Sharing and revoking: the patient for their own studies, or staff ({@code staff}) for any patient. */
    private static Uni<AccessDecision> sharing(Actor actor, boolean staff) {
        if (actor.has(Role.PATIENT)) {
            return fixed(ownRecord(actor));
        }
        return byRoleIf(staff);
    }

    private static AccessDecision ownRecord(Actor actor) {
        return new AccessDecision(new StudyScope.OwnStudies(actor.subject()), Set.of(Basis.OWN_RECORD));
    }

    private static AccessDecision granted(StudyGrants.Shared shared) {
        return new AccessDecision(new StudyScope.Granted(shared.studyIds(), shared.wholeStudies(),
                shared.seriesUids()), Set.of(Basis.GRANT));
    }

    private static Uni<AccessDecision> byRoleIf(boolean allowed) {
        return fixed(allowed ? AccessDecision.byRole() : AccessDecision.refused());
    }

    private static <T> Uni<T> fixed(T value) {
        return Uni.createFrom().item(value);
    }
}
