package org.imageportal.web;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.sharing.GrantService;
import org.imageportal.sharing.GrantService.GrantView;
import org.imageportal.studies.StudyArchiveService;
import org.imageportal.studies.StudyFilesResource;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/** A physician's "Shared with me": the studies patients have shared, and the download where the share allows it. */
@Path("/provider/shared")
@RolesAllowed(Role.PROVIDER_NAME)
public class ProviderSharedPages {

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance shared(Actor actor, List<GrantView> grants);
    }

    @Inject
    GrantService grants;

    @Inject
    StudyArchiveService archives;

    @Inject
    Actors actors;

    @Inject
    SecurityIdentity identity;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<TemplateInstance> shared() {
        Actor actor = actors.require(identity);
        return grants.sharedWithMe(actor).map(list -> Templates.shared(actor, list));
    }

    @GET
    @Path("/{study}/download")
    @Produces("application/zip")
    public Response download(@PathParam("study") String study) {
        return StudyFilesResource.download(archives, actors.require(identity), study);
    }
}
