package org.imageportal.sharing;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** A share link for a recipient without an account: who it is for, why, what they may do, and its limits. */
public record LinkRequest(
        @NotBlank(message = "choose the study") String studyId,
        @NotBlank(message = "name the person the link is for") @Size(max = 200) String recipientName,
        @NotNull(message = "say why the study is shared") Purpose purpose,
        @Size(max = 500) String purposeText,
        boolean download,
        Instant notBefore,
        Instant expiresAt,
        @Positive(message = "the number of openings must be at least 1") Integer maxOpens,
        @Size(max = 500) List<@NotBlank String> seriesUids,
        String patientId,
        @Size(max = 1000) String authorizationNote,
        String boundProviderId) {
}
