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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.imageportal.breakglass.BreakGlassService;
import org.imageportal.breakglass.BreakGlassService.Opening;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** The privacy officer's queue of break-glass openings: who, which study, why, until when; justified or not. */
@Path("/privacy/break-glass")
@RolesAllowed(Role.PRIVACY_OFFICER_NAME)
public class BreakGlassReviewPages {

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance queue(Actor actor, List<Opening> openings, String done,
                List<FrontDeskPages.FieldError> errors);
    }

    @Inject
    BreakGlassService breakGlass;

    @Inject
    Actors actors;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance queue(@QueryParam("done") String done) {
        return page("reviewed".equals(done) ? "The finding was recorded." : "", List.of());
    }

    @POST
    @Path("/{id}/review")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response review(@PathParam("id") String id, @FormParam("finding") String finding,
            @FormParam("notes") String notes) {
        try {
            if (!"JUSTIFIED".equals(finding) && !"NOT_JUSTIFIED".equals(finding)) {
                throw ProblemException.invalid("choose a finding", "finding", "say whether the access was justified");
            }
            breakGlass.review(actors.current(), ProblemException.idOrNotFound(id), "JUSTIFIED".equals(finding),
                    notes).await().indefinitely();
            return Response.seeOther(URI.create("/privacy/break-glass?done=reviewed")).build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status()).entity(page("", FrontDeskPages.errors(e.problem())))
                    .type(MediaType.TEXT_HTML_TYPE).build();
        }
    }

    private TemplateInstance page(String done, List<FrontDeskPages.FieldError> errors) {
        Actor actor = actors.current();
        return Templates.queue(actor, breakGlass.pending(actor).await().indefinitely(), done, errors);
    }
}
