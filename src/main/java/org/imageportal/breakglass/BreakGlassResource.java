package org.imageportal.breakglass;

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
import org.imageportal.breakglass.BreakGlassService.Opening;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** Break-glass: open a study in an emergency with a reason; the privacy officer reviews every opening. */
@Path("/api/break-glass")
@Produces(MediaType.APPLICATION_JSON)
public class BreakGlassResource {

    /** The privacy officer's finding. */
    public record Finding(@NotNull(message = "say whether the access was justified") Boolean justified,
            @Size(max = 4000) String notes) {
    }

    @Inject
    BreakGlassService breakGlass;

    @Inject
    Actors actors;

    @POST
    @Authenticated
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Open a study outside any share, with the reason; time-limited, audited and reviewed "
            + "(403 without the break-glass permission, which is itself audited)")
    public Uni<Response> open(BreakGlassRequest request) {
        // validated by the service after the permission check, so that a caller without it learns nothing more
        return breakGlass.open(actors.current(), request)
                .map(opening -> Response.status(Response.Status.CREATED).entity(opening).build());
    }

    @GET
    @Path("/reviews")
    @RolesAllowed(Role.PRIVACY_OFFICER_NAME)
    @Operation(summary = "Break-glass openings waiting for review, oldest first")
    public Uni<List<Opening>> pending() {
        return breakGlass.pending(actors.current());
    }

    @POST
    @Path("/{id}/review")
    @RolesAllowed(Role.PRIVACY_OFFICER_NAME)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record whether a break-glass opening was justified, with notes (once)")
    public Uni<Opening> review(@PathParam("id") String id,
            @NotNull(message = "the finding is missing") @Valid Finding finding) {
        return breakGlass.review(actors.current(), ProblemException.idOrNotFound(id), finding.justified(),
                finding.notes());
    }
}
