package org.imageportal.sharing;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.studies.access.StudyGrants;

import io.smallrye.mutiny.Uni;

/** What the access policy asks of sharing: the studies a physician may reach now, and under which grant. */
@ApplicationScoped
public class GrantLookupService implements StudyGrants {

    private final GrantRepository grants;

    GrantLookupService(GrantRepository grants) {
        this.grants = grants;
    }

    @Override
    public Uni<Set<UUID>> studiesSharedWith(String providerSubject) {
        return grants.activeStudies(providerSubject);
    }

    @Override
    public Uni<Optional<GrantBasis>> basis(String providerSubject, UUID studyId) {
        return grants.activeGrant(providerSubject, studyId);
    }
}
