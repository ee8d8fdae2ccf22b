package org.imageportal.studies.access;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.smallrye.mutiny.Uni;

/** Break-glass: studies a person opened in an emergency, outside any share, while the window is open. */
public interface EmergencyAccess {

    /** The studies the actor (Keycloak subject) has open by break-glass now. */
    Uni<Set<UUID>> openStudies(String subject);

    /** The break-glass opening under which the actor reaches the study now, if any. */
    Uni<Optional<UUID>> basis(String subject, UUID studyId);
}
