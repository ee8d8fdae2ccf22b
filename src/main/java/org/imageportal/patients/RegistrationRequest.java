package org.imageportal.patients;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * A patient the front desk registers before any image exists (a walk-in with an outside CD): the MRN the practice
 * gives them, the name as the patient gives it, birth date (YYYY-MM-DD) and sex (M, F, O or unknown).
 * {@code differentFrom} are the registry's similar entries the desk has looked at and states the patient is not.
 */
public record RegistrationRequest(
        @NotBlank(message = "give the MRN") @Size(max = 64, message = "an MRN has at most 64 characters") @Pattern(regexp = "[^\\\\\\p{Cntrl}]*", message = "an MRN has no backslash or control characters") String mrn,
        @NotBlank(message = "give the family name") @Size(max = 60, message = "at most 60 characters") @Pattern(regexp = "[^\\\\^=\\p{Cntrl}]*", message = "letters, spaces, hyphens and apostrophes only") String familyName,
        @Size(max = 60, message = "at most 60 characters") @Pattern(regexp = "[^\\\\^=\\p{Cntrl}]*", message = "letters, spaces, hyphens and apostrophes only") String givenName,
        @NotBlank(message = "give the birth date") @Pattern(regexp = "\\d{4}-\\d{2}-\\d{2}", message = "the birth date as on the calendar (YYYY-MM-DD)") String birthDate,
        @Pattern(regexp = "[MFO]?", message = "choose male, female, other or unknown") String sex,
        java.util.Set<java.util.UUID> differentFrom) {
}
