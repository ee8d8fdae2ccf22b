package org.imageportal.web;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

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

import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.sharing.GrantRequest;
import org.imageportal.sharing.GrantService;
import org.imageportal.sharing.GrantService.GrantView;
import org.imageportal.sharing.GrantService.Physician;
import org.imageportal.sharing.Purpose;
import org.imageportal.studies.StudyArchiveService;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The patient's sharing dashboard: every grant on their studies (physician, study, purpose, until when, how often
 * opened and when last), revoke in one click, and sharing a study with a physician found by name.
 */
@Path("/patient/sharing")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Role.PATIENT_NAME)
public class PatientSharingPages {

    /** A study the patient can choose to share. */
    public record StudyChoice(String id, String label) {
    }

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance sharing(Actor actor, List<GrantView> grants, List<StudyChoice> studies,
                String q, List<Physician> physicians, List<Purpose> purposes, String done,
                List<FrontDeskPages.FieldError> errors);
    }

    @Inject
    GrantService grants;

    @Inject
    StudyArchiveService studies;

    @Inject
    Actors actors;

    @Inject
    SecurityIdentity identity;

    @GET
    public TemplateInstance dashboard(@QueryParam("q") String q, @QueryParam("done") String done) {
        String message = Map.of("shared", "The study is shared. The physician sees it under \"Shared with me\".",
                "revoked", "Access was taken back. The physician can no longer open the study.")
                .getOrDefault(done == null ? "" : done, "");
        try {
            return page(q, message, List.of());
        } catch (ProblemException e) {
            return page(null, "", FrontDeskPages.errors(e.problem()));
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response share(@FormParam("studyId") String studyId, @FormParam("providerId") String providerId,
            @FormParam("purpose") String purpose, @FormParam("purposeText") String purposeText,
            @FormParam("download") String download, @FormParam("days") String days) {
        try {
            Purpose chosen = purpose == null || purpose.isBlank() ? null : Purpose.valueOf(purpose);
            if (chosen == null || studyId == null || studyId.isBlank() || providerId == null
                    || providerId.isBlank()) {
                return Response.status(400).entity(page(null, "", List.of(new FrontDeskPages.FieldError("",
                        "choose the study, the physician and the purpose")))).build();
            }
            int d = days == null || days.isBlank() ? 30 : Integer.parseInt(days.strip());
            GrantRequest request = new GrantRequest(studyId, providerId, "on".equals(download), chosen,
                    purposeText == null || purposeText.isBlank() ? null : purposeText.strip(),
                    Instant.now().plus(Duration.ofDays(d)), null, null);
            grants.create(actors.require(identity), request).await().indefinitely();
            return Response.seeOther(URI.create("/patient/sharing?done=shared")).build();
        } catch (NumberFormatException e) {
            return Response.status(400).entity(page(null, "", List.of(new FrontDeskPages.FieldError("days",
                    "give the number of days")))).build();
        } catch (IllegalArgumentException e) {
            return Response.status(400).entity(page(null, "", List.of(new FrontDeskPages.FieldError("purpose",
                    "choose a purpose from the list")))).build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status()).entity(page(null, "", FrontDeskPages.errors(e.problem())))
                    .build();
        }
    }

    @POST
    @Path("/{id}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revoke(@PathParam("id") String id) {
        grants.revoke(actors.require(identity), ProblemException.idOrNotFound(id)).await().indefinitely();
        return Response.seeOther(URI.create("/patient/sharing?done=revoked")).build();
    }

    private TemplateInstance page(String q, String done, List<FrontDeskPages.FieldError> errors) {
        Actor actor = actors.require(identity);
        List<StudyChoice> choices = studies.list(actor).await().indefinitely().stream()
                .map(s -> new StudyChoice(s.id().toString(), s.studyDate() + " " + String.join("/", s.modalities())
                        + " " + s.description()))
                .toList();
        List<Physician> physicians = q == null || q.isBlank()
                ? List.of()
                : grants.directory(q).await().indefinitely();
        return Templates.sharing(actor, grants.mine(actor).await().indefinitely(), choices, q == null ? "" : q,
                physicians, List.of(Purpose.values()), done, errors);
    }
}
