package org.imageportal.web;

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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.imageportal.archive.StudyArchiveService;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.patients.PatientService;
import org.imageportal.patients.PatientService.PatientView;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.text.Words;
import org.imageportal.sharing.GrantRequest;
import org.imageportal.sharing.GrantService;
import org.imageportal.sharing.GrantService.Physician;
import org.imageportal.sharing.LinkRequest;
import org.imageportal.sharing.LinkService;
import org.imageportal.sharing.LinkService.IssuedLink;
import org.imageportal.sharing.Purpose;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The front desk shares a study for a patient who asked in person, only after a recent identity verification (the
 * same window as issuing portal access) and with a note of the patient's written authorization: with a registered
 * physician (a grant), or as a share link whose code is shown once on a printable slip for the patient to pass on.
 */
@Path("/frontdesk/sharing")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Role.FRONTDESK_NAME)
public class FrontDeskSharingPages {

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance form(Actor actor, PatientView patient,
                List<PatientSharingPages.StudyChoice> studies, List<Purpose> purposes,
                List<FrontDeskPages.FieldError> errors);

        static native TemplateInstance issued(Actor actor, PatientView patient, IssuedLink link,
                String recipientName, String expires);

        static native TemplateInstance grant(Actor actor, PatientView patient,
                List<PatientSharingPages.StudyChoice> studies, List<Purpose> purposes, String q,
                List<Physician> physicians, String done, List<FrontDeskPages.FieldError> errors);
    }

    @Inject
    PatientService patients;

    @Inject
    StudyArchiveService studies;

    @Inject
    LinkService links;

    @Inject
    GrantService grants;

    @Inject
    Actors actors;

    @GET
    @Path("/{patient}/link")
    public TemplateInstance form(@PathParam("patient") String patient) {
        return page(ProblemException.idOrNotFound(patient), List.of());
    }

    @POST
    @Path("/{patient}/link")
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
                    request.recipientName(), Words.time(issued.expiresAt()))).build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status()).entity(page(id, FrontDeskPages.errors(e.problem())))
                    .build();
        }
    }

    /** Share with a registered physician for the patient: find the physician, then the grant's form. */
    @GET
    @Path("/{patient}/grant")
    public TemplateInstance grantForm(@PathParam("patient") String patient, @QueryParam("q") String q,
            @QueryParam("done") String done) {
        return grantPage(ProblemException.idOrNotFound(patient), q, "shared".equals(done)
                ? "The study is shared. The physician sees it under \"Shared with me\"."
                : "", List.of());
    }

    @POST
    @Path("/{patient}/grant")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response grant(@PathParam("patient") String patient, @FormParam("studyId") String studyId,
            @FormParam("providerId") String providerId, @FormParam("purpose") String purpose,
            @FormParam("purposeText") String purposeText, @FormParam("authorizationNote") String authorizationNote,
            @FormParam("download") String download, @FormParam("days") String days) {
        UUID id = ProblemException.idOrNotFound(patient);
        try {
            if (LinkForm.blank(studyId) || LinkForm.blank(providerId) || LinkForm.blank(purpose)) {
                throw ProblemException.invalid("", "choose the study, the physician and the purpose");
            }
            Purpose chosen;
            int d;
            try {
                chosen = Purpose.valueOf(purpose.strip());
                d = LinkForm.blank(days) ? 30 : Integer.parseInt(days.strip());
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalid("", "choose a purpose from the list and give whole days");
            }
            grants.create(actor(), new GrantRequest(studyId, providerId, "on".equals(download), chosen,
                    LinkForm.blank(purposeText) ? null : purposeText.strip(),
                    java.time.Instant.now().plus(java.time.Duration.ofDays(d)), id.toString(),
                    LinkForm.blank(authorizationNote) ? null : authorizationNote.strip(), null))
                    .await().indefinitely();
            return Response.seeOther(java.net.URI.create("/frontdesk/sharing/" + id + "/grant?done=shared")).build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status())
                    .entity(grantPage(id, null, "", FrontDeskPages.errors(e.problem()))).build();
        }
    }

    private TemplateInstance grantPage(UUID patient, String q, String done, List<FrontDeskPages.FieldError> errors) {
        Actor actor = actor();
        List<Physician> physicians = LinkForm.blank(q) ? List.of() : grants.directory(q).await().indefinitely();
        return Templates.grant(actor, patients.get(actor, patient).await().indefinitely(), choices(actor, patient),
                List.of(Purpose.values()), q == null ? "" : q, physicians, done, errors);
    }

    private List<PatientSharingPages.StudyChoice> choices(Actor actor, UUID patient) {
        return studies.listForPatient(actor, patient).await().indefinitely().stream()
                .map(PatientSharingPages.StudyChoice::of).toList();
    }

    private TemplateInstance page(UUID patient, List<FrontDeskPages.FieldError> errors) {
        Actor actor = actor();
        PatientView view = patients.get(actor, patient).await().indefinitely();
        return Templates.form(actor, view, choices(actor, patient), List.of(Purpose.values()), errors);
    }

    private Actor actor() {
        return actors.current();
    }

}
