package org.imageportal.web;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.health.SystemStatus;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;

/** The administrator's workspace: system status. */
@Path("/admin")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Role.ADMIN_NAME)
public class AdminPages {

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance system(org.imageportal.identity.Actor actor, Capabilities.Workspace workspace,
                SystemStatus.View status);
    }

    @Inject
    SystemStatus status;

    @Inject
    Actors actors;

    @GET
    public Uni<TemplateInstance> system() {
        var actor = actors.current();
        return status.current().map(view -> Templates.system(actor, Capabilities.of(Role.ADMIN), view));
    }
}
