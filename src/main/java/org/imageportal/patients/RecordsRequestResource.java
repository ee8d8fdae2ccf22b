package org.imageportal.patients;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.patients.RecordsRequestService.RequestView;
import org.imageportal.platform.errors.ProblemException;

import io.smallrye.mutiny.Uni;

/** Right-of-access requests: patients file theirs; the front desk and privacy officer work them to the deadline. */
@Path("/api/records-requests")
@Produces(MediaType.APPLICATION_JSON)
public class RecordsRequestResource {

    /** The written reason for an extension, or how a request was fulfilled. */
    public record Statement(@Size(max = 2000) String text) {
    }

    @Inject
    RecordsRequestService requests;

    @Inject
    Actors actors;

    @POST
    @RolesAllowed(Role.PATIENT_NAME)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ask for a copy the portal cannot produce at once (CD, paper, delivery to someone named); "
            + "due within 30 days")
    public Uni<Response> file(@NotNull(message = "the request is missing") @Valid RecordsRequestForm form) {
        return requests.file(actors.current(), form)
                .map(view -> Response.status(Response.Status.CREATED).entity(view).build());
    }

    @GET
    @Path("/mine")
    @RolesAllowed(Role.PATIENT_NAME)
    @Operation(summary = "The signed-in patient's requests and their state")
    public Uni<List<RequestView>> mine() {
        return requests.mine(actors.current());
    }

    @GET
    @RolesAllowed({Role.FRONTDESK_NAME, Role.PRIVACY_OFFICER_NAME})
    @Operation(summary = "Open requests, nearest deadline first")
    public Uni<List<RequestView>> open() {
        return requests.open(actors.current());
    }

    @POST
    @Path("/{id}/extension")
    @RolesAllowed({Role.FRONTDESK_NAME, Role.PRIVACY_OFFICER_NAME})
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Extend the deadline once by 30 days, before it passes, with the written reason")
    public Uni<RequestView> extend(@PathParam("id") String id,
            @NotNull(message = "the reason is missing") @Valid Statement reason) {
        return requests.extend(actors.current(), ProblemException.idOrNotFound(id), reason.text());
    }

    @POST
    @Path("/{id}/fulfilment")
    @RolesAllowed({Role.FRONTDESK_NAME, Role.PRIVACY_OFFICER_NAME})
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record that the request was fulfilled, and how")
    public Uni<RequestView> fulfil(@PathParam("id") String id,
            @NotNull(message = "the note is missing") @Valid Statement note) {
        return requests.fulfil(actors.current(), ProblemException.idOrNotFound(id), note.text());
    }
}
