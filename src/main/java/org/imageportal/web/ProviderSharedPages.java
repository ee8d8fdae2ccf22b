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

import org.imageportal.archive.StudyArchiveService;
import org.imageportal.archive.StudyFilesResource;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.reports.StudyReportService;
import org.imageportal.sharing.GrantService;
import org.imageportal.sharing.GrantService.GrantView;
import org.imageportal.studies.access.StudyCaller;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;

/** A physician's "Shared with me": the studies patients have shared, and the download where the share allows it. */
@Path("/provider/shared")
@RolesAllowed(Role.PROVIDER_NAME)
public class ProviderSharedPages {

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance shared(Actor actor, List<GrantView> grants,
                java.util.Map<UUID, List<StudyReportService.ReportEntry>> reports);
    }

    @Inject
    GrantService grants;

    @Inject
    StudyArchiveService archives;

    @Inject
    StudyReportService reports;

    @Inject
    Actors actors;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<TemplateInstance> shared() {
        Actor actor = actors.current();
        return grants.sharedWithMe(actor).chain(list -> reportsOf(actor, list)
                .map(found -> Templates.shared(actor, list, found)));
    }

    /** The reports of each active share's study, as far as the grant reaches (nothing is released by listing). */
    private Uni<java.util.Map<UUID, List<StudyReportService.ReportEntry>>> reportsOf(Actor actor,
            List<GrantView> list) {
        java.util.Map<UUID, List<StudyReportService.ReportEntry>> out = new java.util.concurrent.ConcurrentHashMap<>();
        List<Uni<Void>> lookups = list.stream().filter(g -> "active".equals(g.state())).map(GrantView::studyId)
                .distinct()
                .map(study -> reports.list(StudyCaller.of(actor), study).invoke(found -> out.put(study, found))
                        .replaceWithVoid())
                .toList();
        return lookups.isEmpty()
                ? Uni.createFrom().item(out)
                : Uni.join().all(lookups).andFailFast().replaceWith(out);
    }

    @GET
    @Path("/{study}/download")
    @Produces("application/zip")
    public Response download(@PathParam("study") String study) {
        return StudyFilesResource.download(archives, actors.current(), study);
    }

    /**
     * A shared study in the viewer, while the grant lasts; the patient is told that it was opened. The download
     * button shows only if the grant allows downloads.
     */
    @GET
    @Path("/{study}/view")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance view(@PathParam("study") String study) {
        Actor actor = actors.current();
        UUID id = ProblemException.idOrNotFound(study);
        GrantView grant = grants.sharedWithMe(actor).await().indefinitely().stream()
                .filter(g -> g.studyId().equals(id) && "active".equals(g.state())).findFirst()
                .orElseThrow(ProblemException::notFound);
        String uid = archives.studyUid(actor, id).await().indefinitely().orElseThrow(ProblemException::notFound);
        grants.opened(actor, grant).await().indefinitely();
        return ViewerView.signedIn(uid, "/provider/shared",
                grant.download() ? "/provider/shared/" + id + "/download" : null,
                reports.list(StudyCaller.of(actor), id).await().indefinitely(), "/provider/shared/" + id + "/reports/")
                .page();
    }

    /** One of a shared study's reports while the grant lasts; recorded as a disclosure to the physician. */
    @GET
    @Path("/{study}/reports/{number}")
    @Produces({MediaType.TEXT_HTML, "application/pdf"})
    public Response report(@PathParam("study") String study, @PathParam("number") String number) {
        return ReportPages.forActor(reports, actors.current(), study, number, "/provider/shared");
    }
}
