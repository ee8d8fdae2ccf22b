package org.imageportal.archive;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.studies.StudySummary;
import org.imageportal.studies.access.StudyCaller;

import io.smallrye.mutiny.Uni;

/**
 * A patient's own study list, and a study as a ZIP archive with a DICOMDIR (patients: their own; front desk;
 * physicians under a grant that allows download, recorded as a disclosure).
 */
@Path("/api")
public class StudyFilesResource {

    @Inject
    StudyArchiveService archives;

    @Inject
    Actors actors;

    @GET
    @Path("/studies")
    @RolesAllowed(Role.PATIENT_NAME)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The signed-in patient's studies, newest first")
    public Uni<List<StudySummary>> myStudies() {
        return archives.list(actors.current());
    }

    @GET
    @Path("/studies/{id}/archive")
    @RolesAllowed({Role.PATIENT_NAME, Role.FRONTDESK_NAME, Role.PROVIDER_NAME})
    @Produces("application/zip")
    @Operation(summary = "A study as a streamed ZIP: the DICOM files as received with a DICOMDIR, previews, README")
    public Response archive(@PathParam("id") String id) {
        return download(archives, actors.current(), id);
    }

    /** The archive as a download response (for the pages too); 404 unless the actor may retrieve the study. */
    public static Response download(StudyArchiveService archives, Actor actor, String id) {
        return stream(archives,
                archives.prepare(StudyCaller.of(actor), ProblemException.idOrNotFound(id)).await().indefinitely());
    }

    /** The prepared (already recorded) archive as a ZIP download that names nothing about the patient. */
    public static Response stream(StudyArchiveService archives, StudyArchiveService.Archive archive) {
        StreamingOutput body = out -> archives.write(archive, out);
        return Response.ok(body, "application/zip")
                .header("Content-Disposition", "attachment; filename=\"" + archive.fileName() + "\"")
                .header("Cache-Control", "no-store").build();
    }
}
