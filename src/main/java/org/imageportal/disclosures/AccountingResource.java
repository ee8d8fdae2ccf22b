package org.imageportal.disclosures;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.imageportal.disclosures.AccountingService.RequestView;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The accounting of disclosures: patients ask for it and read it once delivered; the privacy officer works the
 * requests to their due dates and records disclosures made outside the portal and suspensions of the right.
 */
@Path("/api/accounting")
@Produces(MediaType.APPLICATION_JSON)
public class AccountingResource {

    /** The written reason for an extension. */
    public record Reason(@Size(max = 2000) String text) {
    }

    @Inject
    AccountingService accounting;

    @Inject
    DisclosuresConfig config;

    @Inject
    Actors actors;

    @POST
    @Path("/requests")
    @RolesAllowed(Role.PATIENT_NAME)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ask for an accounting of disclosures (the six years before today unless a shorter period "
            + "is given); due within 60 days")
    public Uni<Response> request(AccountingRequestForm form) {
        return accounting.request(actors.current(), form)
                .map(view -> Response.status(Response.Status.CREATED).entity(view).build());
    }

    @GET
    @Path("/requests/mine")
    @RolesAllowed(Role.PATIENT_NAME)
    @Operation(summary = "The signed-in patient's accounting requests")
    public Uni<List<RequestView>> mine() {
        return accounting.mine(actors.current());
    }

    @GET
    @Path("/requests")
    @RolesAllowed(Role.PRIVACY_OFFICER_NAME)
    @Operation(summary = "Open accounting requests, nearest due date first")
    public Uni<List<RequestView>> open() {
        return accounting.open(actors.current());
    }

    @POST
    @Path("/requests/{id}/extension")
    @RolesAllowed(Role.PRIVACY_OFFICER_NAME)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Extend the due date once by 30 days, before it passes, with the written reason")
    public Uni<RequestView> extend(@PathParam("id") String id,
            @NotNull(message = "the reason is missing") @Valid Reason reason) {
        return accounting.extend(actors.current(), ProblemException.idOrNotFound(id), reason.text());
    }

    @POST
    @Path("/requests/{id}/delivery")
    @RolesAllowed(Role.PRIVACY_OFFICER_NAME)
    @Operation(summary = "Deliver the accounting: the patient can read it in the portal from now on")
    public Uni<RequestView> deliver(@PathParam("id") String id) {
        return accounting.deliver(actors.current(), ProblemException.idOrNotFound(id));
    }

    @GET
    @Path("/requests/{id}/{report: accounting|access}")
    @RolesAllowed({Role.PATIENT_NAME, Role.PRIVACY_OFFICER_NAME})
    @Produces({MediaType.TEXT_HTML, "application/pdf", "text/csv", MediaType.APPLICATION_JSON})
    @Operation(summary = "The accounting (accountable disclosures) or the full access report (every disclosure), as "
            + "format=html, pdf, csv or json")
    public Uni<Response> report(@PathParam("id") String id, @PathParam("report") String report,
            @QueryParam("format") @DefaultValue("html") String format) {
        ReportResponses.checkFormat(format);
        return accounting.report(actors.current(), ProblemException.idOrNotFound(id),
                ReportResponses.kind(report)).emitOn(Infrastructure.getDefaultWorkerPool())
                .map(r -> ReportResponses.render(r, format, config.timeZone()));
    }

    @POST
    @Path("/patients/{patient}/disclosures")
    @RolesAllowed(Role.PRIVACY_OFFICER_NAME)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record a disclosure made outside the portal (e.g. under a subpoena, a mailed CD)")
    public Uni<Response> recordManual(@PathParam("patient") String patient,
            @NotNull(message = "the disclosure is missing") @Valid ManualDisclosure disclosure) {
        return accounting.recordManual(actors.current(), ProblemException.idOrNotFound(patient), disclosure)
                .map(done -> Response.status(Response.Status.CREATED).build());
    }

    @POST
    @Path("/patients/{patient}/suspensions")
    @RolesAllowed(Role.PRIVACY_OFFICER_NAME)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record a suspension of the patient's right to an accounting (164.528(a)(2))")
    public Uni<Response> suspend(@PathParam("patient") String patient,
            @NotNull(message = "the suspension is missing") @Valid Suspension suspension) {
        return accounting.suspend(actors.current(), ProblemException.idOrNotFound(patient), suspension)
                .map(id -> Response.status(Response.Status.CREATED).entity(Map.of("id", id)).build());
    }
}
