package org.imageportal.patients;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * What the front desk records when it verifies a patient's identity in person. The document number is never
 * stored whole: only its last four characters, enough to recognise the document again.
 */
public record VerificationRequest(
        @NotNull(message = "say how the identity was verified") VerificationMethod method,
        @Size(max = 100) String documentType,
        @Pattern(regexp = "[A-Za-z0-9]{1,4}", message = "give only the last four characters of the document number, never the whole number") String documentLast4,
        @Size(max = 200) String representativeName,
        Relationship relationship,
        @Size(max = 200) String authorityDocument,
        @NotBlank(message = "name the site where the patient was seen") @Size(max = 100) String site,
        @Size(max = 1000) String notes) {
}
