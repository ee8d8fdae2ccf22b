package org.imageportal.dicomweb;

import jakarta.ws.rs.Path;

import org.imageportal.studies.access.StudyCaller;

import io.smallrye.mutiny.Uni;

/**
 * DICOMweb for accounts and machine clients with bearer tokens (standard DICOMweb clients): the caller is the
 * authenticated person or client, and reaches what the access policy gives their roles, grants and open
 * break-glass openings.
 */
@Path("/dicomweb")
public class AccountDicomWebResource extends DicomWebEndpoints {

    @Override
    protected Uni<StudyCaller> caller() {
        return signedIn();
    }

    @Override
    protected String path() {
        return "/dicomweb";
    }
}
