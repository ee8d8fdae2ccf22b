package org.imageportal.studies.access;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * The slot for sharing: which studies have been shared with a provider. The sharing feature implements it; until
 * then, the default implementation shares nothing.
 */
public interface StudyGrants {

    /** What is currently shared with the provider whose Keycloak subject this is (studies, or some series). */
    Uni<Shared> sharedWith(String providerSubject);

    /** What the provider may download now: only what grants that allow downloads cover. */
    Uni<Shared> downloadableBy(String providerSubject);

    /** The grant under which the provider may reach the study now (for the disclosure record), if any. */
    Uni<Optional<GrantBasis>> basis(String providerSubject, UUID studyId);

    /**
     * What active grants cover, by study row id: {@code studyIds} all of them, {@code wholeStudies} those shared
     * whole; of the others only the series in {@code seriesUids}. The access policy makes its scope of it.
     */
    record Shared(Set<UUID> studyIds, Set<UUID> wholeStudies, Set<String> seriesUids) {

        public Shared {
            studyIds = Set.copyOf(studyIds);
            wholeStudies = Set.copyOf(wholeStudies);
            seriesUids = Set.copyOf(seriesUids);
        }
    }

    /** A grant as a release under it is recorded. */
    record GrantBasis(UUID grantId, UUID providerId, String providerName, String purpose, boolean canDownload) {
    }
}
