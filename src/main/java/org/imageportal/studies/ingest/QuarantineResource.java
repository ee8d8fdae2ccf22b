package org.imageportal.studies.ingest;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.studies.ingest.QuarantineService.Held;

import io.smallrye.mutiny.Uni;

/** The quarantine review as an API for staff tools: list, release to a patient, delete. */
@Path("/api/quarantine")
@RolesAllowed(Role.FRONTDESK_NAME)
public class QuarantineResource {

    /** Release request; {@code patient} empty means "the proposed patient". */
    public record ReleaseRequest(String patient) {
    }

    @Inject
    QuarantineService quarantine;

    @Inject
    Actors actors;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Instances held for review, oldest first, with the reason and both identities")
    public Uni<List<Held>> list() {
        return quarantine.list(actors.current());
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One held instance")
    public Uni<Held> one(@PathParam("id") String id) {
        return quarantine.find(actors.current(), ProblemException.idOrNotFound(id));
    }

    @POST
    @Path("/{id}/release")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Release a held instance to a patient (default: the proposed one); audited")
    public Uni<Response> release(@PathParam("id") String id, ReleaseRequest request) {
        Optional<UUID> patient = request == null || request.patient() == null || request.patient().isBlank()
                ? Optional.empty()
                : Optional.of(patientId(request.patient()));
        return quarantine.release(actors.current(), ProblemException.idOrNotFound(id), patient)
                .replaceWith(Response.noContent().build());
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a held instance and its stored object; audited")
    public Response delete(@PathParam("id") String id) {
        quarantine.delete(actors.current(), ProblemException.idOrNotFound(id));
        return Response.noContent().build();
    }

    private static UUID patientId(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(ProblemType.VALIDATION, "patient must be a patient id");
        }
    }
}
