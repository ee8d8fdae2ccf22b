package org.imageportal.audit;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.imageportal.audit.AuditChainService.Verification;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;

import io.smallrye.mutiny.Uni;

/** The audit trail for the privacy officer: verification of the hash chain and its anchor. */
@Path("/api/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    @Inject
    AuditChainService chain;

    @Inject
    Actors actors;

    @GET
    @Path("/verify")
    @RolesAllowed({Role.PRIVACY_OFFICER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Recompute the audit trail's hash chain, compare it with the anchor kept outside the "
            + "database, and name the first broken entry")
    public Uni<Verification> verify() {
        return chain.verify(actors.current().subject());
    }

    @POST
    @Path("/anchor")
    @RolesAllowed({Role.PRIVACY_OFFICER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Anchor the chain's head now (it is also anchored periodically); refused while the chain "
            + "is broken")
    public Uni<Verification> anchor() {
        actors.current();
        return chain.anchor().chain(head -> {
            if (head == null) {
                return Uni.createFrom().failure(new ProblemException(ProblemType.CONFLICT,
                        "the audit trail is broken; verify it and investigate before anchoring"));
            }
            return chain.verify();
        });
    }
}
