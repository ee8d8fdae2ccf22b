package org.imageportal.studies.ingest.dimse;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A DICOM node in the AE registry: who it says it is (calling AE title), where it may connect from, which AE title
 * of the portal it must call and, optionally, the subject its TLS client certificate must carry.
 */
public record DimsePeer(UUID id, String callingAeTitle, String calledAeTitle, List<String> addresses,
        Optional<String> certificateSubject, String description, OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    public DimsePeer {
        addresses = List.copyOf(addresses);
    }
}
