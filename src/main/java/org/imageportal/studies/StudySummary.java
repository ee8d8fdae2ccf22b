package org.imageportal.studies;

import java.util.List;
import java.util.UUID;

/** A study as a patient's list shows it, with the number of reports the portal can show. */
public record StudySummary(UUID id, String studyDate, String description, List<String> modalities,
        List<String> bodyParts, int seriesCount, int instanceCount, long sizeBytes, int reports) {

    /**
     * One page of a list of studies, newest first.
     *
     * @param number the page, from 1
     * @param size studies per page
     * @param total studies in the whole list
     */
    public record Page(List<StudySummary> studies, int number, int size, long total) {

        /** The position of the page's first study in the list, from 1 (0 for an empty page). */
        public long first() {
            return studies.isEmpty() ? 0 : (long) (number - 1) * size + 1;
        }

        public long last() {
            return studies.isEmpty() ? 0 : first() + studies.size() - 1;
        }

        public boolean hasNext() {
            return (long) number * size < total;
        }

        public long pages() {
            return Math.max(1, (total + size - 1) / size);
        }
    }
}
