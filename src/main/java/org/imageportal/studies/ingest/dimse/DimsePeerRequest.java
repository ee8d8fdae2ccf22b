package org.imageportal.studies.ingest.dimse;

import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;

/**
 * A node to register or the new state of a registered one. Without a called AE title the node must call the
 * portal's own ({@code portal.dimse.ae-title}); without a certificate subject any certificate from the trusted CAs
 * will do.
 */
public record DimsePeerRequest(
        @NotBlank(message = "give the node's calling AE title") @Size(max = 16, message = "an AE title has at most 16 characters") String callingAeTitle,
        @Size(max = 16, message = "an AE title has at most 16 characters") String calledAeTitle,
        @NotEmpty(message = "give at least one address or CIDR range the node connects from") @Size(max = 64, message = "at most 64 addresses or ranges") List<@NotBlank(message = "an address is empty") @Size(max = 64, message = "an address or range has at most 64 characters") String> addresses,
        @Size(max = 1024, message = "the certificate subject is too long") String certificateSubject,
        @Size(max = 200, message = "the description has at most 200 characters") String description) {
}
