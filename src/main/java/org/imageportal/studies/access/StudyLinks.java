package org.imageportal.studies.access;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * The slot for share links: which study a link recipient may reach. The sharing feature implements it; the token's
 * signature is checked before any lookup, and the link must still be usable and the session belong to it.
 */
public interface StudyLinks {

    /** The link session cookie, set by the landing page for the right access code, scoped to the link's path. */
    String SESSION_COOKIE = "portal_link";

    /** The link behind a token and link session, if both are valid now; empty otherwise. */
    Uni<Optional<LinkBasis>> basis(String token, String session);

    /**
     * A link as a release under it is recorded.
     *
     * @param seriesUids the series the link covers, or null for the whole study
     * @param recipientName the name the patient gave when issuing the link
     * @param claimedName the name the recipient gave when opening it
     */
    record LinkBasis(UUID linkId, UUID studyId, List<String> seriesUids, String recipientName, String claimedName,
            String purpose, boolean canDownload) {

        public LinkBasis {
            seriesUids = seriesUids == null ? null : List.copyOf(seriesUids);
        }

        /** The name under which the link acts in the audit trail. */
        public String auditActor() {
            return "link:" + linkId;
        }
    }
}
