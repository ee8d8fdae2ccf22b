package org.imageportal.studies.access;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What the access policy decided for one caller and one action: the studies it may reach (the scope, which the index
 * turns into its query condition, quarantine exclusion included) and on what basis. Only {@link AccessPolicy} makes
 * decisions; services turn them into queries and records.
 *
 * @param bases why the scope reaches what it reaches (empty when denied); a physician may hold grants and a
 *        break-glass opening at once
 */
public record AccessDecision(StudyScope scope, Set<Basis> bases) {

    public AccessDecision {
        bases = Set.copyOf(bases);
    }

    /** Why a caller may reach a study. */
    public enum Basis {
        /** Staff by role: the front desk, a privacy officer, an ingest client. */
        ROLE,
        /** The patient's own record, linked to their account. */
        OWN_RECORD,
        /** A share the patient or the desk granted to a physician. */
        GRANT,
        /** A share link opened with its access code. */
        LINK,
        /** A break-glass opening whose window is open. */
        BREAK_GLASS
    }

    static AccessDecision refused() {
        return new AccessDecision(new StudyScope.Denied(), Set.of());
    }

    static AccessDecision byRole() {
        return new AccessDecision(new StudyScope.All(), Set.of(Basis.ROLE));
    }

    /** The role does not allow the action at all (answered 403, not 404). */
    public boolean denied() {
        return scope instanceof StudyScope.Denied;
    }

    /**
     * How one release of one study within the scope is to be recorded, or why it may not happen. Decided by
     * {@link AccessPolicy#release}, recorded by the release service.
     */
    public sealed interface Release {

        /** Staff by role or the patient's own record: a use, audited, not a disclosure. */
        record Routine(Set<Basis> bases) implements Release {
        }

        /** A disclosure to the physician under this grant. */
        record UnderGrant(StudyGrants.GrantBasis grant) implements Release {
        }

        /** A disclosure to the link's recipient. */
        record UnderLink(StudyLinks.LinkBasis link) implements Release {
        }

        /** A use under break-glass, flagged with the opening for its review. */
        record UnderBreakGlass(UUID opening) implements Release {
        }

        /**
         * Viewing is allowed but this is a download the basis does not allow: audited as refused with the reason and
         * the detail, answered 403 with the message.
         */
        record ViewOnly(String reason, String message, Map<String, Object> detail) implements Release {

            public ViewOnly {
                detail = Map.copyOf(detail);
            }
        }

        /** Nothing gives the caller this study any more (404). */
        record Unreachable() implements Release {
        }
    }
}
