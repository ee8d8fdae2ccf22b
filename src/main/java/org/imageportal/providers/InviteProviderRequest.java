package org.imageportal.providers;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Who is invited: the physician's name, National Provider Identifier, organisation and e-mail address. */
public record InviteProviderRequest(
        @NotBlank(message = "give the physician's given name") @Size(max = 100) String givenName,
        @NotBlank(message = "give the physician's family name") @Size(max = 100) String familyName,
        @NotBlank(message = "give the physician's NPI") @Pattern(regexp = "[0-9]{10}", message = "The NPI has 10 digits, without spaces or dashes: check the number with the physician") String npi,
        @NotBlank(message = "give the physician's organisation") @Size(max = 200) String organisation,
        @NotBlank(message = "an e-mail address is needed for the account") @Email @Size(max = 200) String email) {
}
