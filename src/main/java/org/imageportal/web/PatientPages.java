package org.imageportal.web;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.imageportal.archive.StudyArchiveService;
import org.imageportal.archive.StudyFilesResource;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.reports.StudyReportService;
import org.imageportal.studies.StudySummary;
import org.imageportal.studies.access.StudyCaller;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;

/** The patient's own studies: what they have, and each one to download as a ZIP. */
@Path("/patient/studies")
@RolesAllowed(Role.PATIENT_NAME)
public class PatientPages {

    /** A study as the page shows it. */
    public record StudyRow(String id, String date, String description, String kinds, String images, String size,
            List<Integer> reports) {

        static StudyRow of(StudySummary s) {
            String d = s.studyDate();
            String date = d.length() == 8 ? d.substring(0, 4) + "-" + d.substring(4, 6) + "-" + d.substring(6) : d;
            // in words: "X-ray · chest", not "DX · CHEST"
            List<String> kinds = new java.util.ArrayList<>(
                    Readable.imaging(s.modalities()).stream().map(Readable::modality).distinct().toList());
            s.bodyParts().stream().map(Readable::bodyPart).filter(b -> !b.isEmpty()).forEach(kinds::add);
            long kb = Math.max(1, s.sizeBytes() / 1024);
            String size = kb < 1024 ? kb + " KB" : (kb / 1024) + " MB";
            return new StudyRow(s.id().toString(), date, s.description().isBlank() ? "Study" : s.description(),
                    String.join(" · ", kinds), s.seriesCount() + " series, " + s.instanceCount() + " images", size,
                    java.util.stream.IntStream.rangeClosed(1, Math.min(s.reports(), 20)).boxed().toList());
        }
    }

    /** Where the page is in the whole list, and the pages around it. */
    public record Paging(long first, long last, long total, Integer previous, Integer next) {

        static Paging of(StudySummary.Page page) {
            return new Paging(page.first(), page.last(), page.total(), page.number() > 1 ? page.number() - 1 : null,
                    page.hasNext() ? page.number() + 1 : null);
        }

        /** Whether the list needs more than one page (then the page says where it is). */
        public boolean several() {
            return previous != null || next != null;
        }
    }

    /** Studies per page: a patient of many years still gets a page that loads at once. */
    static final int PAGE_SIZE = 50;

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance studies(Actor actor, List<StudyRow> studies, Paging paging);

    }

    @Inject
    StudyArchiveService archives;

    @Inject
    StudyReportService reports;

    @Inject
    Actors actors;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<TemplateInstance> studies(@QueryParam("page") String page) {
        Actor actor = actors.current();
        int number = pageNumber(page);
        return archives.page(actor, number, PAGE_SIZE).map(found -> Templates.studies(actor,
                found.studies().stream().map(StudyRow::of).toList(), Paging.of(found)));
    }

    /** The page asked for: none is the first; anything but a page number is a 400 page. */
    static int pageNumber(String page) {
        if (page == null || page.isEmpty()) {
            return 1;
        }
        if (!page.matches("[1-9]\\d{0,4}")) {
            throw ProblemException.invalid("page", "pages are numbered from 1");
        }
        return Integer.parseInt(page);
    }

    @GET
    @Path("/{id}/download")
    @Produces("application/zip")
    public Response download(@PathParam("id") String id) {
        return StudyFilesResource.download(archives, actors.current(), id);
    }

    /** The study in the viewer (the patient's own; anything else is not found). */
    @GET
    @Path("/{id}/view")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance view(@PathParam("id") String id) {
        UUID study = ProblemException.idOrNotFound(id);
        String uid = archives.studyUid(actors.current(), study).await().indefinitely()
                .orElseThrow(ProblemException::notFound);
        List<StudyReportService.ReportEntry> found = reports.list(StudyCaller.of(actors.current()), study).await()
                .indefinitely();
        return ViewerView.signedIn(uid, "/patient/studies", "/patient/studies/" + study + "/download", found,
                "/patient/studies/" + study + "/reports/").page();
    }

    /** One of the study's reports: a structured report as text, a PDF as itself; recorded as a release. */
    @GET
    @Path("/{id}/reports/{number}")
    @Produces({MediaType.TEXT_HTML, "application/pdf"})
    public Response report(@PathParam("id") String id, @PathParam("number") String number) {
        return ReportPages.forActor(reports, actors.current(), id, number, "/patient/studies");
    }
}
