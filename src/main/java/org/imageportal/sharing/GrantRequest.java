package org.imageportal.sharing;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * Share a study with a registered physician. A patient shares their own study; the front desk may share on the
 * patient's behalf ({@code patientId}) after a recent identity verification, recording the written authorization.
 */
public record GrantRequest(
        @NotBlank(message = "choose the study") String studyId,
        @NotBlank(message = "choose the physician") String providerId,
        boolean download,
        @NotNull(message = "say why the study is shared") Purpose purpose,
        @Size(max = 500) String purposeText,
        Instant expiresAt,
        String patientId,
        @Size(max = 1000) String authorizationNote,
        @Size(max = 500) List<@NotBlank String> seriesUids) {
}
