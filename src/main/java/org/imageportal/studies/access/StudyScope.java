package org.imageportal.studies.access;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Which studies an actor may reach for an action, in a form the index can turn into a query condition. Every
 * listing and every single-study check goes through it, so a list never shows what a direct request would refuse.
 */
public sealed interface StudyScope {

    /** Every study that is not in quarantine (staff by role). */
    record All() implements StudyScope {
    }

    /** Studies of the patient whose portal account has this Keycloak subject. */
    record OwnStudies(String accountSubject) implements StudyScope {
    }

    /** Studies shared with the actor (grants), by study row id. */
    record Granted(Set<UUID> studyIds) implements StudyScope {

        public Granted {
            studyIds = Set.copyOf(studyIds);
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
