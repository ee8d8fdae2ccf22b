package org.imageportal.providers;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.providers.ProviderService.ProviderView;

import io.smallrye.mutiny.Uni;

/** Referring physicians: invited by an administrator or the privacy officer. */
@Path("/api/providers")
@RolesAllowed({Role.ADMIN_NAME, Role.PRIVACY_OFFICER_NAME})
@Produces(MediaType.APPLICATION_JSON)
public class ProviderResource {

    @Inject
    ProviderService providers;

    @Inject
    Actors actors;

    @GET
    @Operation(summary = "The invited referring physicians, newest first")
    public Uni<List<ProviderView>> list() {
        return providers.list(actors.current());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Invite a referring physician (provider role only); returns the invitation with its one-time "
            + "activation code")
    public Response invite(@NotNull(message = "the invitation is missing") @Valid InviteProviderRequest request) {
        return Response.status(Response.Status.CREATED).entity(providers.invite(actors.current(), request))
                .header("Cache-Control", "no-store").build();
    }
}
