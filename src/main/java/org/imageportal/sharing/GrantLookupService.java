package org.imageportal.sharing;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.studies.access.StudyGrants;

import io.smallrye.mutiny.Uni;

/** What the access policy asks of sharing: the studies a physician may reach now, and under which grant. */
@ApplicationScoped
public class GrantLookupService implements StudyGrants {

    private final GrantRepository grants;

    private final Clock clock;

    GrantLookupService(GrantRepository grants, Clock clock) {
        this.grants = grants;
        this.clock = clock;
    }

    @Override
    public Uni<Shared> sharedWith(String providerSubject) {
        return grants.activeScope(providerSubject, clock.instant(), false);
    }

    @Override
    public Uni<Shared> downloadableBy(String providerSubject) {
        return grants.activeScope(providerSubject, clock.instant(), true);
    }

    @Override
    public Uni<Optional<GrantBasis>> basis(String providerSubject, UUID studyId) {
        return grants.activeGrant(providerSubject, studyId, clock.instant());
    }
}
