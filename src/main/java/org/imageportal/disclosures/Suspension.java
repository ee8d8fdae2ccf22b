package org.imageportal.disclosures;

import java.time.LocalDate;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * A temporary suspension of the patient's right to an accounting (164.528(a)(2)) at the request of a health
 * oversight agency or law enforcement official: who asked, their statement (written, or oral and then documented
 * here, for at most 30 days), and until when.
 */
public record Suspension(@NotBlank(message = "name the agency or official") @Size(max = 300) String agency,
        @NotBlank(message = "name who made the request") @Size(max = 300) String requestedBy,
        boolean written,
        @NotBlank(message = "record the statement: that an accounting would impede the agency's activities") @Size(max = 4000) String statement,
        @NotNull(message = "give the date the suspension ends") LocalDate until) {
}
