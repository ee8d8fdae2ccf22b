package org.imageportal.web;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.imageportal.archive.StudyArchiveService;
import org.imageportal.breakglass.BreakGlassService;
import org.imageportal.breakglass.BreakGlassService.Candidate;
import org.imageportal.breakglass.BreakGlassService.EmergencySearch;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.text.Words;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * Break-glass in the browser, for a clinician holding the permission: find the study by the patient's ID, name,
 * birth date or the study date (posted, never in the address), choose it, say why, and view it for the window; see
 * the time each opening has left and end one early. Every step is audited and every opening goes to the privacy
 * officer's review.
 */
@Path("/emergency")
@RolesAllowed(Role.BREAK_GLASS_NAME)
public class EmergencyPages {

    /** The search form as submitted, shown back (posted, never in the address). */
    public record Query(String patientId, String name, String birthDate, String studyDate) {
    }

    /** An opening that still gives access, with the time it has left in words. */
    public record OpenView(String id, String studyId, String study, String studyDate, String patientName,
            String reason, String until, String left) {
    }

    private static final Query EMPTY = new Query("", "", "", "");

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance search(Actor actor, Query query, List<Candidate> studies, boolean searched,
                boolean more, List<OpenView> openings, String done, List<FrontDeskPages.FieldError> errors);

    }

    @Inject
    BreakGlassService breakGlass;

    @Inject
    StudyArchiveService archives;

    @Inject
    Actors actors;

    @Inject
    Clock clock;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance form(@QueryParam("done") String done) {
        return page(EMPTY, List.of(), false, "ended".equals(done)
                ? "The opening has ended: the study is closed to "
                        + "you again. It still goes to the privacy officer's review."
                : "", List.of());
    }

    @POST
    @Path("/search")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response search(@FormParam("patientId") String patientId, @FormParam("name") String name,
            @FormParam("birthDate") String birthDate, @FormParam("studyDate") String studyDate) {
        Actor actor = actors.current();
        Query query = new Query(nz(patientId), nz(name), nz(birthDate), nz(studyDate));
        try {
            List<Candidate> found = breakGlass.emergencySearch(actor, new EmergencySearch(query.patientId(),
                    Readable.typedDate(query.birthDate()), query.name(), Readable.typedDate(query.studyDate())));
            return Response.ok(page(query, found, true, "", List.of())).build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status())
                    .entity(page(query, List.of(), false, "", FrontDeskPages.errors(e.problem())))
                    .type(MediaType.TEXT_HTML_TYPE).build();
        }
    }

    @POST
    @Path("/{study}/open")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response open(@PathParam("study") String study, @FormParam("reason") String reason) {
        Actor actor = actors.current();
        try {
            breakGlass.open(actor, ProblemException.idOrNotFound(study), reason).await().indefinitely();
            return Response.seeOther(URI.create("/emergency/" + study + "/view")).build();
        } catch (ProblemException e) {
            return refused(e.problem().status(), FrontDeskPages.errors(e.problem()));
        } catch (jakarta.validation.ConstraintViolationException e) {
            return refused(400, FrontDeskPages.errors(e.getConstraintViolations()));
        }
    }

    /**
     * Ends one of the clinician's own openings before its window runs out, only with the confirmation ticked; the
     * study closes to them at once (audited). 404 for an opening that is not theirs or has already closed.
     */
    @POST
    @Path("/openings/{id}/end")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response end(@PathParam("id") String id, @FormParam("confirm") String confirm) {
        Actor actor = actors.current();
        try {
            Confirmation.require(confirm, "the study closes to you now");
            breakGlass.end(actor, ProblemException.idOrNotFound(id)).await().indefinitely();
            return Response.seeOther(URI.create("/emergency?done=ended")).build();
        } catch (ProblemException e) {
            return refused(e.problem().status(), FrontDeskPages.errors(e.problem()));
        }
    }

    /** The opened study in the viewer while the window lasts (viewing only); 404 once it has closed. */
    @GET
    @Path("/{study}/view")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance view(@PathParam("study") String study) {
        String studyUid = archives.studyUid(actors.current(), ProblemException.idOrNotFound(study))
                .await().indefinitely().orElseThrow(ProblemException::notFound);
        return ViewerView.emergency(studyUid, "/emergency").page();
    }

    /** The page again with what stopped the request, under its status. */
    private Response refused(int status, List<FrontDeskPages.FieldError> errors) {
        return Response.status(status).entity(page(EMPTY, List.of(), false, "", errors))
                .type(MediaType.TEXT_HTML_TYPE).build();
    }

    private TemplateInstance page(Query query, List<Candidate> found, boolean searched, String done,
            List<FrontDeskPages.FieldError> errors) {
        Actor actor = actors.current();
        Instant now = clock.instant();
        List<OpenView> openings = breakGlass.open(actor).await().indefinitely().stream()
                .map(o -> new OpenView(o.id().toString(), o.studyId().toString(),
                        Readable.study(o.modalities(), o.studyDescription()), Readable.date(o.studyDate()),
                        Readable.person(o.patientName()), o.reason(), Words.clock(o.expiresAt()),
                        left(Duration.between(now, o.expiresAt()))))
                .toList();
        return Templates.search(actor, query, found, searched, found.size() >= BreakGlassService.SEARCH_LIMIT,
                openings, done, errors);
    }

    /** The time an opening has left, as a clinician reads it at a glance: "1 h 05 min", "12 min", "under a minute". */
    static String left(Duration left) {
        long minutes = left.toMinutes();
        if (minutes < 1) {
            return "under a minute";
        }
        return minutes >= 60 ? String.format("%d h %02d min", minutes / 60, minutes % 60) : minutes + " min";
    }

    private static String nz(String value) {
        return value == null ? "" : value.strip();
    }
}
