package org.imageportal.web;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.identity.Actor;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.sharing.GrantService;
import org.imageportal.sharing.GrantService.GrantView;
import org.imageportal.sharing.LinkService;
import org.imageportal.sharing.LinkService.LinkView;

/**
 * Who a patient's studies are shared with, as the desk's patient page shows them, and revoking there: through the
 * same service methods as the patient's own revoke (audited, one way), with the desk's confirmation, and only for a
 * grant or link of the patient whose page it is.
 */
@ApplicationScoped
class FrontDeskShares {

    /** Links the desk may still end: revoked and expired ones are over. */
    private static final Set<String> OVER = Set.of("revoked", "expired");

    private final GrantService grants;
    private final LinkService links;

    FrontDeskShares(GrantService grants, LinkService links) {
        this.grants = grants;
        this.links = links;
    }

    /** The patient's active grants, newest first. */
    List<GrantView> activeGrants(Actor actor, UUID patient) {
        return grants.forPatient(actor, patient).await().indefinitely().stream()
                .filter(g -> "active".equals(g.state())).toList();
    }

    /** The patient's links not yet revoked or expired (also those not yet valid, used up or locked), newest first. */
    List<LinkView> linksInForce(Actor actor, UUID patient) {
        return links.forPatient(actor, patient).await().indefinitely().stream()
                .filter(l -> !OVER.contains(l.state())).toList();
    }

    /** What was revoked. */
    enum Revoked {
        GRANT, LINK
    }

    /**
     * Revokes the patient's grant or link with this id once confirmed (again, for one already revoked, changes
     * nothing); unconfirmed, a validation problem saying what would stop; not the patient's, 404.
     */
    Revoked revoke(Actor actor, UUID patient, UUID id, String confirm) {
        Optional<GrantView> grant = grants.forPatient(actor, patient).await().indefinitely().stream()
                .filter(g -> g.id().equals(id)).findFirst();
        if (grant.isPresent()) {
            GrantView g = grant.get();
            Confirmation.require(confirm, grantEnds(g.providerName(),
                    Readable.study(g.modalities(), g.studyDescription()), Readable.date(g.studyDate())));
            grants.revoke(actor, id).await().indefinitely();
            return Revoked.GRANT;
        }
        LinkView l = links.forPatient(actor, patient).await().indefinitely().stream()
                .filter(v -> v.id().equals(id)).findFirst().orElseThrow(ProblemException::notFound);
        Confirmation.require(confirm, linkEnds(l.recipientName(), l.studyDescription(),
                Readable.date(l.studyDate())));
        links.revoke(actor, id).await().indefinitely();
        return Revoked.LINK;
    }

    /** What revoking a grant stops, as the box beside the button and the error without it say. */
    static String grantEnds(String physician, String study, String date) {
        return physician + " can no longer open " + study + " of " + date + ". This cannot be undone.";
    }

    /** What revoking a link stops, as the box beside the button and the error without it say. */
    static String linkEnds(String recipient, String study, String date) {
        return "the link for " + recipient + " no longer opens " + study + " of " + date
                + ", not even where it is open already. This cannot be undone.";
    }
}
