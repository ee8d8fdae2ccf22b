package org.imageportal.studies;

import java.util.List;
import java.util.UUID;

/** A study as a patient's list shows it, with the number of reports the portal can show. */
public record StudySummary(UUID id, String studyDate, String description, List<String> modalities,
        List<String> bodyParts, int seriesCount, int instanceCount, long sizeBytes, int reports) {
}
