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

import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.retention.RetentionService;
import org.imageportal.retention.RetentionService.Due;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The privacy officer's retention page: the studies whose retention has ended, legal holds placed and released
 * with their reason, and the purge of what is due and not held, confirmed first.
 */
@Path("/privacy/retention")
@RolesAllowed(Role.PRIVACY_OFFICER_NAME)
public class RetentionPages {

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance due(Actor actor, List<Due> due, long purgeable, String done,
                List<FrontDeskPages.FieldError> errors);
    }

    @Inject
    RetentionService retention;

    @Inject
    Actors actors;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance due(@QueryParam("done") String done) {
        String notice = switch (done == null ? "" : done) {
            case "held" -> "The study is on legal hold: no purge will destroy it until the hold is released.";
            case "released" -> "The legal hold was released.";
            case "purged" -> "The studies due were purged. Their audit entries and disclosure records are kept.";
            default -> "";
        };
        return page(notice, List.of());
    }

    @POST
    @Path("/{study}/hold")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response hold(@PathParam("study") String study, @FormParam("reason") String reason) {
        return act(() -> retention.hold(actors.current(), ProblemException.idOrNotFound(study), true,
                reason), "held");
    }

    @POST
    @Path("/{study}/release")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response release(@PathParam("study") String study) {
        return act(() -> retention.hold(actors.current(), ProblemException.idOrNotFound(study), false,
                null), "released");
    }

    /** Destroys what is due and not held; only with the confirmation ticked, since it cannot be undone. */
    @POST
    @Path("/purge")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response purge(@FormParam("confirm") String confirm) {
        return act(() -> {
            Confirmation.require(confirm, "a purge destroys the studies and cannot be undone");
            retention.purge(actors.current());
        }, "purged");
    }

    private Response act(Runnable action, String done) {
        try {
            action.run();
            return Response.seeOther(URI.create("/privacy/retention?done=" + done)).build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status()).entity(page("", FrontDeskPages.errors(e.problem())))
                    .type(MediaType.TEXT_HTML_TYPE).build();
        }
    }

    private TemplateInstance page(String done, List<FrontDeskPages.FieldError> errors) {
        Actor actor = actors.current();
        List<Due> due = retention.report(actor);
        return Templates.due(actor, due, due.stream().filter(d -> !d.legalHold()).count(), done, errors);
    }
}
