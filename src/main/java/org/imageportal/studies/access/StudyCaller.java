package org.imageportal.studies.access;

import org.imageportal.identity.Actor;

/**
 * Whoever asks for a study, in the one form the access policy, the release records and every front door take: a
 * signed-in person or client (whose break-glass openings, while open, are part of what the policy gives them), or
 * the recipient of a share link who gave its access code. Each DICOMweb root, page and service names its caller
 * this way, so one implementation serves them all.
 */
public sealed interface StudyCaller {

    /** The name under which the caller's actions are audited. */
    String auditName();

    static StudyCaller of(Actor actor) {
        return new Person(actor);
    }

    static StudyCaller of(StudyLinks.LinkBasis link) {
        return new LinkRecipient(link);
    }

    /** A signed-in person or a machine client, by their account. */
    record Person(Actor actor) implements StudyCaller {

        @Override
        public String auditName() {
            return actor.subject();
        }
    }

    /** The recipient of a share link, under the link's session. */
    record LinkRecipient(StudyLinks.LinkBasis link) implements StudyCaller {

        @Override
        public String auditName() {
            return link.auditActor();
        }
    }
}
