package org.imageportal.web;

import java.time.Duration;
import java.time.Instant;

import org.imageportal.platform.errors.ProblemException;
import org.imageportal.sharing.LinkRequest;
import org.imageportal.sharing.Purpose;

/**
 * The share-link form as the patient's dashboard and the front desk post it, turned into a {@link LinkRequest}; a
 * field that cannot be read becomes a validation problem naming it, which the pages show next to the form.
 */
final class LinkForm {

    private LinkForm() {
    }

    /** {@code patientId} and {@code authorizationNote} only when staff act for the patient (else null). */
    static LinkRequest request(String studyId, String recipientName, String purpose, String purposeText,
            String download, String days, String maxOpens, String patientId, String authorizationNote) {
        if (blank(studyId) || blank(recipientName) || blank(purpose)) {
            throw ProblemException.invalid("", "choose the study, name the person the link is for and say why");
        }
        Purpose chosen;
        try {
            chosen = Purpose.valueOf(purpose.strip());
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("purpose", "choose a purpose from the list");
        }
        int d;
        Integer opens;
        try {
            d = blank(days) ? 7 : Integer.parseInt(days.strip());
            opens = blank(maxOpens) ? null : Integer.valueOf(maxOpens.strip());
        } catch (NumberFormatException e) {
            throw ProblemException.invalid("days", "give whole numbers (days, openings)");
        }
        if (opens != null && opens < 1) {
            throw ProblemException.invalid("maxOpens", "the number of openings must be at least 1");
        }
        Instant now = Instant.now();
        return new LinkRequest(studyId.strip(), recipientName.strip(), chosen, blank(purposeText)
                ? null
                : purposeText.strip(), "on".equals(download), now, now.plus(Duration.ofDays(d)), opens, null,
                patientId, blank(authorizationNote) ? null : authorizationNote.strip(), null);
    }

    static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
