package org.imageportal.web;

import java.util.List;
import java.util.UUID;

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
import org.imageportal.platform.errors.ProblemException;
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

        static native TemplateInstance viewer(ViewerView viewer);

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

    /**
     * A shared study in the viewer, while the grant lasts; the patient is told that it was opened. The download
     * button shows only if the grant allows downloads.
     */
    @GET
    @Path("/{study}/view")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance view(@PathParam("study") String study) {
        Actor actor = actors.require(identity);
        UUID id = ProblemException.idOrNotFound(study);
        GrantView grant = grants.sharedWithMe(actor).await().indefinitely().stream()
                .filter(g -> g.studyId().equals(id) && "active".equals(g.state())).findFirst()
                .orElseThrow(ProblemException::notFound);
        String uid = archives.studyUid(actor, id).await().indefinitely().orElseThrow(ProblemException::notFound);
        grants.opened(actor, grant).await().indefinitely();
        return Templates.viewer(new ViewerView("/viewer/dicomweb", uid, "/provider/shared",
                grant.download() ? "/provider/shared/" + id + "/download" : null));
    }
}
