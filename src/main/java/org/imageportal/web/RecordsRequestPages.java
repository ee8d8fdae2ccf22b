package org.imageportal.web;

import java.net.URI;
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
import org.imageportal.patients.RecordsRequestService;
import org.imageportal.patients.RecordsRequestService.RequestView;
import org.imageportal.platform.errors.ProblemException;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** Open requests for copies, most urgent first: extend once with a reason, or record the fulfilment. */
@Path("/frontdesk/requests")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Role.FRONTDESK_NAME, Role.PRIVACY_OFFICER_NAME})
public class RecordsRequestPages {

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance open(Actor actor, List<RequestView> requests, String done,
                List<FrontDeskPages.FieldError> errors);
    }

    @Inject
    RecordsRequestService requests;

    @Inject
    Actors actors;

    @GET
    public TemplateInstance open(@QueryParam("done") String done) {
        String message = Map.of("extended", "The deadline was extended; tell the patient the reason and the new date.",
                "fulfilled", "The request was recorded as fulfilled.").getOrDefault(done == null ? "" : done, "");
        return page(message, List.of());
    }

    @POST
    @Path("/{id}/extension")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response extend(@PathParam("id") String id, @FormParam("reason") String reason) {
        try {
            requests.extend(actors.current(), ProblemException.idOrNotFound(id), reason).await()
                    .indefinitely();
            return Response.seeOther(URI.create("/frontdesk/requests?done=extended")).build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status()).entity(page("", FrontDeskPages.errors(e.problem())))
                    .build();
        }
    }

    @POST
    @Path("/{id}/fulfilment")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response fulfil(@PathParam("id") String id, @FormParam("note") String note) {
        try {
            requests.fulfil(actors.current(), ProblemException.idOrNotFound(id), note).await()
                    .indefinitely();
            return Response.seeOther(URI.create("/frontdesk/requests?done=fulfilled")).build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status()).entity(page("", FrontDeskPages.errors(e.problem())))
                    .build();
        }
    }

    private TemplateInstance page(String done, List<FrontDeskPages.FieldError> errors) {
        Actor actor = actors.current();
        return Templates.open(actor, requests.open(actor).await().indefinitely(), done, errors);
    }
}
