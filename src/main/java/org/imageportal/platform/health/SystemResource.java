package org.imageportal.platform.health;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.smallrye.mutiny.Uni;

/** System status for administrators (JSON). */
@Path("/api/admin/system")
@RolesAllowed("admin")
public class SystemResource {

    @Inject
    SystemStatus status;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Versions and the readiness of PostgreSQL, Keycloak and the object store")
    public Uni<SystemStatus.View> system() {
        return status.current();
    }
}
