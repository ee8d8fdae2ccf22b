package org.imageportal.studies.access;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Which studies an actor may reach for an action, in a form the index can turn into a query condition. Every
 * listing and every single-study check goes through it, so a list never shows what a direct request would refuse.
 */
public sealed interface StudyScope {

    /**
     * What every released instance meets, for a query that names the instance {@code i}: not held in the
     * quarantine. Written here only (an architecture test holds to that), so no query can forget it.
     */
    String RELEASABLE_INSTANCE = "i.quarantine_reason IS NULL";

    /** Whether a series of a study the scope reaches is covered (a grant or a link may cover only some series). */
    default boolean coversSeries(UUID studyId, String seriesUid) {
        return switch (this) {
            case Granted granted -> granted.covers(studyId, seriesUid);
            case Linked linked -> linked.studyId().equals(studyId)
                    && (linked.seriesUids() == null || linked.seriesUids().contains(seriesUid));
            case Denied denied -> false;
            case All all -> true;
            case OwnStudies own -> true;
        };
    }

    /** Every study that is not in quarantine (staff by role). */
    record All() implements StudyScope {
    }

    /** Studies of the patient whose portal account has this Keycloak subject. */
    record OwnStudies(String accountSubject) implements StudyScope {
    }

    /**
     * Studies shared with the actor (grants), by study row id: {@code studyIds} all of them, {@code wholeStudies}
     * those shared whole; of the others only the series in {@code seriesUids}.
     */
    record Granted(Set<UUID> studyIds, Set<UUID> wholeStudies, Set<String> seriesUids) implements StudyScope {

        public Granted {
            studyIds = Set.copyOf(studyIds);
            wholeStudies = Set.copyOf(wholeStudies);
            seriesUids = Set.copyOf(seriesUids);
        }

        /** Whether a series of a granted study is covered. */
        public boolean covers(UUID studyId, String seriesUid) {
            return wholeStudies.contains(studyId) || studyIds.contains(studyId) && seriesUids.contains(seriesUid);
        }
    }

    /** One study shared through a link, possibly only some of its series ({@code seriesUids} null: all). */
    record Linked(UUID studyId, List<String> seriesUids) implements StudyScope {

        public Linked {
            seriesUids = seriesUids == null ? null : List.copyOf(seriesUids);
        }
    }

    /** The role does not allow the action at all (answered 403, not 404). */
    record Denied() implements StudyScope {
    }
}
