package org.imageportal.breakglass;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Opening a study in an emergency: which study (its Study Instance UID) and why, in words the reviewer can check. */
public record BreakGlassRequest(@NotBlank(message = "name the study") @Size(max = 64) String studyUid,
        @NotBlank(message = "say why you need the images now, outside any share") @Size(min = 10, max = 2000, message = "say why in a sentence (10 to 2000 characters)") String reason) {
}
