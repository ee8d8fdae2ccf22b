package org.imageportal.studies.access;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;

/** Nothing is shared until the sharing feature provides its own {@link StudyGrants}. */
@ApplicationScoped
@DefaultBean
class NoStudyGrants implements StudyGrants {

    @Override
    public Uni<Shared> sharedWith(String providerSubject) {
        return Uni.createFrom().item(new Shared(Set.of(), Set.of(), Set.of()));
    }

    @Override
    public Uni<Shared> downloadableBy(String providerSubject) {
        return sharedWith(providerSubject);
    }

    @Override
    public Uni<Optional<GrantBasis>> basis(String providerSubject, UUID studyId) {
        return Uni.createFrom().item(Optional.empty());
    }
}
