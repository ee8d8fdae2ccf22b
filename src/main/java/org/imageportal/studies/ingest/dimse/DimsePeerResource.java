package org.imageportal.studies.ingest.dimse;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;

import io.smallrye.mutiny.Uni;

/** The AE registry of the DIMSE gateway, for administrators. */
@Path("/api/dimse/peers")
@RolesAllowed(Role.ADMIN_NAME)
@Produces(MediaType.APPLICATION_JSON)
public class DimsePeerResource {

    @Inject
    DimsePeerService peers;

    @Inject
    Actors actors;

    @GET
    @Operation(summary = "The DICOM nodes that may send over DIMSE, by calling AE title")
    public Uni<List<DimsePeer>> list() {
        return peers.list(actors.current());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One registered DICOM node")
    public Uni<DimsePeer> get(@PathParam("id") String id) {
        return peers.get(actors.current(), ProblemException.idOrNotFound(id));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a DICOM node: calling AE title, source addresses or CIDR ranges, called AE title, "
            + "certificate subject")
    public Uni<Response> create(@NotNull(message = "the node's entry is missing") @Valid DimsePeerRequest request) {
        return peers.create(actors.current(), request)
                .map(peer -> Response.status(Response.Status.CREATED).entity(peer).build());
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a registered DICOM node")
    public Uni<DimsePeer> update(@PathParam("id") String id,
            @NotNull(message = "the node's entry is missing") @Valid DimsePeerRequest request) {
        return peers.update(actors.current(), ProblemException.idOrNotFound(id), request);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Remove a DICOM node; its next association is refused")
    public Uni<Response> delete(@PathParam("id") String id) {
        return peers.delete(actors.current(), ProblemException.idOrNotFound(id))
                .map(done -> Response.noContent().build());
    }
}
