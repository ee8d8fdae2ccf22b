package org.imageportal.web;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
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
import org.imageportal.studies.ingest.QuarantineService;
import org.imageportal.studies.ingest.QuarantineService.Held;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/** The front desk's quarantine review: what is held and why, both identities side by side, release or delete. */
@Path("/frontdesk/quarantine")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Role.FRONTDESK_NAME)
public class QuarantinePages {

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance list(Actor actor, List<Held> held, String done);
    }

    @Inject
    QuarantineService quarantine;

    @Inject
    Actors actors;

    @Inject
    SecurityIdentity identity;

    @GET
    public Uni<TemplateInstance> list(@QueryParam("done") String done) {
        Actor actor = actors.require(identity);
        String message = switch (done == null ? "" : done) {
            case "released" -> "The instance was released to the patient.";
            case "deleted" -> "The instance was deleted.";
            default -> "";
        };
        return quarantine.list(actor).map(held -> Templates.list(actor, held, message));
    }

    @POST
    @Path("/{id}/release")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> release(@PathParam("id") String id) {
        return quarantine.release(actors.require(identity), ProblemException.idOrNotFound(id), Optional.empty())
                .replaceWith(() -> seeList("released"));
    }

    @POST
    @Path("/{id}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response delete(@PathParam("id") String id) {
        quarantine.delete(actors.require(identity), ProblemException.idOrNotFound(id));
        return seeList("deleted");
    }

    private static Response seeList(String done) {
        return Response.seeOther(URI.create("/frontdesk/quarantine?done=" + done)).build();
    }

}
