package org.imageportal.patients;

import java.net.URI;
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
import org.imageportal.patients.PatientService.PatientView;
import org.imageportal.patients.PatientService.VerificationView;
import org.imageportal.platform.errors.ProblemException;

import io.smallrye.mutiny.Uni;

/** The patient registry and in-person identity verification, for the front desk. */
@Path("/api/patients")
@RolesAllowed(Role.FRONTDESK_NAME)
@Produces(MediaType.APPLICATION_JSON)
public class PatientResource {

    @Inject
    PatientService patients;

    @Inject
    PortalAccessService access;

    @Inject
    Actors actors;

    @GET
    @Operation(summary = "Find patients by MRN, name (any part) and/or birth date; at least one is required")
    public Uni<List<PatientView>> search(@QueryParam("mrn") String mrn, @QueryParam("name") String name,
            @QueryParam("birthDate") String birthDate) {
        return patients.search(actors.current(), mrn, name, birthDate);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One patient, with the time of the last identity verification")
    public Uni<PatientView> one(@PathParam("id") String id) {
        return patients.get(actors.current(), ProblemException.idOrNotFound(id));
    }

    @GET
    @Path("/{id}/verifications")
    @Operation(summary = "The patient's identity verifications, newest first")
    public Uni<List<VerificationView>> verifications(@PathParam("id") String id) {
        return patients.verifications(actors.current(), ProblemException.idOrNotFound(id));
    }

    @POST
    @Path("/{id}/access")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue the patient's portal account (patient role only) after a recent verification; "
            + "returns the access slip with the one-time activation code")
    public Response issueAccess(@PathParam("id") String id,
            @NotNull(message = "the request is missing") @Valid IssueAccessRequest request) {
        PortalAccessService.AccessSlip slip = access.issue(actors.current(), ProblemException.idOrNotFound(id),
                request);
        return Response.status(Response.Status.CREATED).entity(slip).header("Cache-Control", "no-store").build();
    }

    @POST
    @Path("/{id}/access/reissue")
    @Operation(summary = "A new activation code for the patient's existing account after a recent verification; "
            + "returns the access slip")
    public Response reissueAccess(@PathParam("id") String id) {
        PortalAccessService.AccessSlip slip = access.reissue(actors.current(),
                ProblemException.idOrNotFound(id));
        return Response.ok(slip).header("Cache-Control", "no-store").build();
    }

    @POST
    @Path("/{id}/mfa-reset")
    @Operation(summary = "Lost phone: remove the patient's authenticator and end their sessions, after a recent "
            + "verification; the next sign-in enrols a new one")
    public Response resetMfa(@PathParam("id") String id) {
        access.resetMfa(actors.current(), ProblemException.idOrNotFound(id));
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/verifications")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record how the patient's identity was verified in person (evidence; audited)")
    public Uni<Response> verify(@PathParam("id") String id,
            @NotNull(message = "the verification is missing") @Valid VerificationRequest request) {
        return patients.recordVerification(actors.current(), ProblemException.idOrNotFound(id), request)
                .map(v -> Response.created(URI.create("/api/patients/" + id + "/verifications/" + v.id())).entity(v)
                        .build());
    }
}
