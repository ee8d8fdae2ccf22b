package org.imageportal.dicomweb;

import jakarta.ws.rs.Path;

import org.imageportal.studies.access.StudyCaller;

import io.smallrye.mutiny.Uni;

/**
 * DICOMweb for the portal's viewer of a signed-in patient or physician, under the page's session (the sign-in
 * cookie, not a bearer token): a patient reaches their own studies, a physician what is shared with them now or
 * opened by break-glass, each release to a physician disclosed.
 */
@Path("/viewer/dicomweb")
public class ViewerDicomWebResource extends DicomWebEndpoints {

    @Override
    protected Uni<StudyCaller> caller() {
        return signedIn();
    }

    @Override
    protected String path() {
        return "/viewer/dicomweb";
    }
}
