package org.imageportal.web;

import java.io.InputStream;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.patients.PatientService;
import org.imageportal.patients.PatientService.PatientView;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.studies.ingest.UploadService;
import org.imageportal.studies.ingest.UploadService.FileResult;
import org.imageportal.studies.ingest.UploadService.UploadReport;
import org.imageportal.studies.ingest.UploadService.UploadTarget;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The front desk brings in an outside CD or files for a patient: find the patient (MRN, name, birth date), confirm
 * who it is, then choose files, a folder or a ZIP; the page uploads them one request at a time with a progress bar
 * and lists what happened to each file. The uploads carry the CSRF token in a header.
 */
@Path("/frontdesk/upload")
@RolesAllowed(Role.FRONTDESK_NAME)
public class UploadPages {

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance find(Actor actor, String mrn, String name, String birthDate,
                List<PatientView> found, String error);

        static native TemplateInstance upload(Actor actor, UploadTarget patient);
    }

    @Inject
    UploadService uploads;

    @Inject
    PatientService patients;

    @Inject
    Actors actors;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance find() {
        return Templates.find(actors.current(), "", "", "", null, null);
    }

    /** The same registry search as the desk's (posted, audited), each match offered as the upload's target. */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance search(@FormParam("mrn") String mrn, @FormParam("name") String name,
            @FormParam("birthDate") String birthDate) {
        Actor actor = actors.current();
        String m = mrn == null ? "" : mrn.strip();
        String n = name == null ? "" : name.strip();
        String b = birthDate == null ? "" : birthDate.strip();
        try {
            return Templates.find(actor, m, n, b,
                    patients.search(actor, m, n, Readable.typedDate(b)).await().indefinitely(), null);
        } catch (ProblemException e) {
            return Templates.find(actor, m, n, b, null, e.problem().detail());
        }
    }

    @GET
    @Path("/{patient}")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance upload(@PathParam("patient") String patient) {
        Actor actor = actors.current();
        return Templates.upload(actor, uploads.target(actor, ProblemException.idOrNotFound(patient)));
    }

    @POST
    @Path("/{patient}/zip")
    @Consumes({"application/zip", "application/x-zip-compressed"})
    @Produces(MediaType.APPLICATION_JSON)
    public UploadReport zip(@PathParam("patient") String patient, InputStream body) {
        return uploads.uploadZip(actors.current(), ProblemException.idOrNotFound(patient), body);
    }

    @POST
    @Path("/{patient}/file")
    @Consumes({MediaType.APPLICATION_OCTET_STREAM, "application/dicom"})
    @Produces(MediaType.APPLICATION_JSON)
    public FileResult file(@PathParam("patient") String patient, @HeaderParam("X-File-Name") String name,
            InputStream body) {
        return uploads.uploadFile(actors.current(), ProblemException.idOrNotFound(patient),
                UploadService.headerFileName(name), body);
    }

}
