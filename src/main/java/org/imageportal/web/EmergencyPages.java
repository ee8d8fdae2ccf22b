package org.imageportal.web;

import java.net.URI;
import java.util.List;

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

import org.imageportal.archive.StudyArchiveService;
import org.imageportal.breakglass.BreakGlassService;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.studies.StudySummary;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * Break-glass in the browser, for a clinician holding the permission: find the patient by ID and birth date (posted,
 * never in the address), choose the study, say why, and view it for the window; every step is audited and the
 * opening goes to the privacy officer's review.
 */
@Path("/emergency")
@RolesAllowed(Role.BREAK_GLASS_NAME)
public class EmergencyPages {

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance search(Actor actor, String patientId, String birthDate,
                List<StudySummary> studies, boolean searched, List<FrontDeskPages.FieldError> errors);

    }

    @Inject
    BreakGlassService breakGlass;

    @Inject
    StudyArchiveService archives;

    @Inject
    Actors actors;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance form() {
        return Templates.search(actors.current(), "", "", List.of(), false, List.of());
    }

    @POST
    @Path("/search")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response search(@FormParam("patientId") String patientId, @FormParam("birthDate") String birthDate) {
        Actor actor = actors.current();
        String id = patientId == null ? "" : patientId.strip();
        String born = birthDate == null ? "" : birthDate.strip();
        try {
            return Response.ok(Templates.search(actor, id, born, breakGlass.emergencySearch(actor, id, born), true,
                    List.of())).build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status()).entity(Templates.search(actor, id, born, List.of(), false,
                    FrontDeskPages.errors(e.problem()))).type(MediaType.TEXT_HTML_TYPE).build();
        }
    }

    @POST
    @Path("/{study}/open")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response open(@PathParam("study") String study, @FormParam("reason") String reason) {
        Actor actor = actors.current();
        try {
            breakGlass.open(actor, ProblemException.idOrNotFound(study), reason).await().indefinitely();
            return Response.seeOther(URI.create("/emergency/" + study + "/view")).build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status()).entity(Templates.search(actor, "", "", List.of(), false,
                    FrontDeskPages.errors(e.problem()))).type(MediaType.TEXT_HTML_TYPE).build();
        } catch (jakarta.validation.ConstraintViolationException e) {
            return Response.status(400).entity(Templates.search(actor, "", "", List.of(), false,
                    FrontDeskPages.errors(e.getConstraintViolations()))).type(MediaType.TEXT_HTML_TYPE).build();
        }
    }

    /** The opened study in the viewer while the window lasts (viewing only); 404 once it has closed. */
    @GET
    @Path("/{study}/view")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance view(@PathParam("study") String study) {
        String studyUid = archives.studyUid(actors.current(), ProblemException.idOrNotFound(study))
                .await().indefinitely().orElseThrow(ProblemException::notFound);
        return ViewerView.emergency(studyUid, "/emergency").page();
    }
}
