package org.imageportal.web;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.patients.PatientService;
import org.imageportal.patients.PatientService.PatientView;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.sharing.LinkRequest;
import org.imageportal.sharing.LinkService;
import org.imageportal.sharing.LinkService.IssuedLink;
import org.imageportal.sharing.Purpose;
import org.imageportal.studies.StudyArchiveService;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The front desk makes a share link for a patient who asked in person: only after a recent identity verification
 * (the same window as issuing portal access) and with a note of the patient's written authorization. The link and
 * its code are shown once, on a printable slip for the patient to pass on.
 */
@Path("/frontdesk/links")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Role.FRONTDESK_NAME)
public class FrontDeskSharingPages {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'")
            .withZone(ZoneId.of("UTC"));

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance form(Actor actor, PatientView patient,
                List<PatientSharingPages.StudyChoice> studies, List<Purpose> purposes,
                List<FrontDeskPages.FieldError> errors);

        static native TemplateInstance issued(Actor actor, PatientView patient, IssuedLink link,
                String recipientName, String expires);
    }

    @Inject
    PatientService patients;

    @Inject
    StudyArchiveService studies;

    @Inject
    LinkService links;

    @Inject
    Actors actors;

    @Inject
    SecurityIdentity identity;

    @GET
    @Path("/{patient}")
    public TemplateInstance form(@PathParam("patient") String patient) {
        return page(ProblemException.idOrNotFound(patient), List.of());
    }

    @POST
    @Path("/{patient}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response issue(@PathParam("patient") String patient, @FormParam("studyId") String studyId,
            @FormParam("recipientName") String recipientName, @FormParam("purpose") String purpose,
            @FormParam("purposeText") String purposeText, @FormParam("authorizationNote") String authorizationNote,
            @FormParam("download") String download, @FormParam("days") String days,
            @FormParam("maxOpens") String maxOpens) {
        UUID id = ProblemException.idOrNotFound(patient);
        try {
            LinkRequest request = LinkForm.request(studyId, recipientName, purpose, purposeText, download, days,
                    maxOpens, id.toString(), authorizationNote);
            IssuedLink issued = links.issue(actor(), request).await().indefinitely();
            return Response.ok(Templates.issued(actor(), patients.get(actor(), id).await().indefinitely(), issued,
                    request.recipientName(), WHEN.format(issued.expiresAt()))).build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status()).entity(page(id, FrontDeskPages.errors(e.problem())))
                    .build();
        }
    }

    private TemplateInstance page(UUID patient, List<FrontDeskPages.FieldError> errors) {
        Actor actor = actor();
        PatientView view = patients.get(actor, patient).await().indefinitely();
        List<PatientSharingPages.StudyChoice> choices = studies.listForPatient(actor, patient).await()
                .indefinitely().stream().map(PatientSharingPages.StudyChoice::of).toList();
        return Templates.form(actor, view, choices, List.of(Purpose.values()), errors);
    }

    private Actor actor() {
        return actors.require(identity);
    }

}
