package org.imageportal.studies.ingest;

import java.io.InputStream;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.studies.ingest.UploadService.FileResult;
import org.imageportal.studies.ingest.UploadService.UploadReport;

/** Uploads for a patient by the front desk, for tools (the page posts to its own twin of these). */
@Path("/api/patients/{patient}/uploads")
@RolesAllowed(Role.FRONTDESK_NAME)
public class UploadResource {

    static final String ZIP = "application/zip";

    @Inject
    UploadService uploads;

    @Inject
    Actors actors;

    @POST
    @Consumes({ZIP, "application/x-zip-compressed"})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Upload a ZIP (e.g. a patient's CD): every DICOM file in it, DICOMDIR and other files skipped")
    public UploadReport zip(@PathParam("patient") String patient, InputStream body) {
        return uploads.uploadZip(actors.current(), ProblemException.idOrNotFound(patient), body);
    }

    @POST
    @Path("/files")
    @Consumes({MediaType.APPLICATION_OCTET_STREAM, "application/dicom"})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Upload one file; X-File-Name names it in the report")
    public FileResult file(@PathParam("patient") String patient, @HeaderParam("X-File-Name") String name,
            InputStream body) {
        return uploads.uploadFile(actors.current(), ProblemException.idOrNotFound(patient),
                UploadService.headerFileName(name),
                body);
    }

}
