package org.imageportal.patients;

import java.util.List;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * Issue portal access to a patient. {@code roles} exists only so that a request asking for more than the patient
 * role is refused loudly rather than silently trimmed.
 */
public record IssueAccessRequest(
        @NotBlank(message = "the patient's e-mail address is needed for their account") @Email @Size(max = 200) String email,
        List<String> roles) {
}
