package org.imageportal.sharing;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.sharing.GrantService.GrantView;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

/** Sharing studies with registered referring physicians, and share links for recipients without an account. */
@Path("/api/sharing")
@Produces(MediaType.APPLICATION_JSON)
public class GrantResource {

    @Inject
    GrantService grants;

    @Inject
    LinkService links;

    @Inject
    Actors actors;

    @POST
    @Path("/grants")
    @RolesAllowed({Role.PATIENT_NAME, Role.FRONTDESK_NAME})
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Share a study with a physician (patient: own study; front desk: for the patient after a "
            + "recent verification, with the written authorization noted)")
    public Uni<Response> grant(@NotNull(message = "the grant is missing") @Valid GrantRequest request) {
        return grants.create(actors.current(), request)
                .map(view -> Response.status(Response.Status.CREATED).entity(view).build());
    }

    @GET
    @Path("/grants")
    @RolesAllowed(Role.PATIENT_NAME)
    @Operation(summary = "Every grant on the patient's studies, active and past, with opens and last opened")
    public Uni<List<GrantView>> mine() {
        return grants.mine(actors.current());
    }

    @POST
    @Path("/grants/{id}/revocation")
    @RolesAllowed({Role.PATIENT_NAME, Role.FRONTDESK_NAME, Role.PRIVACY_OFFICER_NAME})
    @Operation(summary = "Revoke a grant (one way)")
    public Uni<GrantView> revoke(@PathParam("id") String id) {
        return grants.revoke(actors.current(), ProblemException.idOrNotFound(id));
    }

    @GET
    @Path("/shared-with-me")
    @RolesAllowed(Role.PROVIDER_NAME)
    @Operation(summary = "The studies currently shared with the signed-in physician")
    public Uni<List<GrantView>> sharedWithMe() {
        return grants.sharedWithMe(actors.current());
    }

    @POST
    @Path("/links")
    @RolesAllowed({Role.PATIENT_NAME, Role.FRONTDESK_NAME})
    @Blocking // the access code's slow hash is CPU work that must not hold an event-loop thread
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue a share link for one's own study: the link and the access code are shown this once")
    public Uni<Response> link(@NotNull(message = "the link request is missing") @Valid LinkRequest request) {
        return links.issue(actors.current(), request).map(issued -> Response
                .status(Response.Status.CREATED).entity(issued).header("Cache-Control", "no-store").build());
    }

    @GET
    @Path("/links")
    @RolesAllowed(Role.PATIENT_NAME)
    @Operation(summary = "Every link on the patient's studies (never the token or the code)")
    public Uni<List<LinkService.LinkView>> links() {
        return links.mine(actors.current());
    }

    @POST
    @Path("/links/{id}/revocation")
    @RolesAllowed({Role.PATIENT_NAME, Role.FRONTDESK_NAME, Role.PRIVACY_OFFICER_NAME})
    @Operation(summary = "Revoke a link (one way)")
    public Uni<LinkService.LinkView> revokeLink(@PathParam("id") String id) {
        return links.revoke(actors.current(), ProblemException.idOrNotFound(id));
    }

    @GET
    @Path("/physicians")
    @RolesAllowed({Role.PATIENT_NAME, Role.FRONTDESK_NAME})
    @Operation(summary = "Find a registered physician to share with (name or organisation, at least two letters)")
    public Uni<List<GrantService.Physician>> physicians(@QueryParam("q") String q) {
        return grants.directory(q);
    }
}
