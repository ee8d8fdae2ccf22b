package org.imageportal.patients;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** A patient's request for a copy in a form the portal cannot produce at once. */
public record RecordsRequestForm(
        @NotNull(message = "choose what you would like") RecordsRequestKind kind,
        @Size(max = 2000) String details,
        @Size(max = 200) String thirdPartyName,
        @Size(max = 500) String thirdPartyAddress) {
}
