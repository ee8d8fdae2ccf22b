package org.imageportal.retention;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.retention.RetentionService.Due;
import org.imageportal.retention.RetentionService.Purge;

/** Retention for the privacy officer: the report of studies due, the purge, legal holds. */
@Path("/api/retention")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.PRIVACY_OFFICER_NAME)
public class RetentionResource {

    /** Why a study is held. */
    public record Hold(@Size(max = 2000) String reason) {
    }

    @Inject
    RetentionService retention;

    @Inject
    Actors actors;

    @GET
    @Path("/report")
    @Operation(summary = "Studies whose retention has ended, the longest overdue first; legal holds shown")
    public List<Due> report() {
        return retention.report(actors.current());
    }

    @POST
    @Path("/purge")
    @Operation(summary = "Purge the studies due that are not on legal hold (keys destroyed, objects deleted, "
            + "tombstones, audit and disclosures kept)")
    public Purge purge() {
        return retention.purge(actors.current());
    }

    @POST
    @Path("/holds/{study}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Put a study on legal hold, with the reason")
    public void hold(@PathParam("study") String study, @Valid Hold hold) {
        retention.hold(actors.current(), ProblemException.idOrNotFound(study), true,
                hold == null ? null : hold.reason());
    }

    @POST
    @Path("/holds/{study}/release")
    @Operation(summary = "Release a legal hold")
    public void release(@PathParam("study") String study) {
        retention.hold(actors.current(), ProblemException.idOrNotFound(study), false, null);
    }
}
