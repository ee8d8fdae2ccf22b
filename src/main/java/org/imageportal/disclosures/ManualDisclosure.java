package org.imageportal.disclosures;

import java.time.LocalDate;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PastOrPresent;
import jakarta.validation.constraints.Size;

/**
 * A disclosure made outside the portal (under a subpoena, a mailed CD, a report to a public health authority),
 * recorded by the privacy officer with what 164.528(b)(2) requires. Without an exemption it is accountable.
 * {@code suspension} names a suspension of the patient's right it was made under, if any.
 */
public record ManualDisclosure(
        @NotNull(message = "give the date the disclosure was made") @PastOrPresent(message = "the date is in the future") LocalDate disclosedOn,
        @NotBlank(message = "name the recipient") @Size(max = 300) String recipientName,
        @Size(max = 1000) String recipientAddress,
        @NotBlank(message = "describe briefly what was disclosed") @Size(max = 2000) String description,
        @NotBlank(message = "state the purpose, or attach the basis (e.g. the subpoena)") @Size(max = 2000) String purpose,
        Exemption exemption, UUID study, UUID suspension) {
}
