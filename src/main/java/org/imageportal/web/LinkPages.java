package org.imageportal.web;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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
import org.imageportal.platform.security.Cookies;
import org.imageportal.platform.text.Words;
import org.imageportal.reports.StudyReportService;
import org.imageportal.sharing.LinkOpeningService;
import org.imageportal.sharing.LinkOpeningService.CodeOutcome;
import org.imageportal.sharing.LinkOpeningService.LinkSummary;
import org.imageportal.studies.access.StudyCaller;
import org.imageportal.studies.access.StudyLinks;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

/**
 * The landing page of a share link, for a recipient without an account. Before the access code it says only that
 * the practice shared a study; after it, the study's headline. Unknown, ended and locked links look alike (404).
 * Pages are never cached and send no referrer (as every page); the token is never logged.
 */
@Path("/s")
@PermitAll
@Produces(MediaType.TEXT_HTML)
public class LinkPages {

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance landing(String token, String message, String boundTo, String name);

        static native TemplateInstance summary(LinkSummary study, String expires, String viewUrl,
                String downloadUrl, List<StudyReportService.ReportEntry> reports, String reportsUrl);

        static native TemplateInstance unavailable();
    }

    @Inject
    LinkOpeningService openings;

    @Inject
    StudyLinks links;

    @Inject
    StudyArchiveService archives;

    @Inject
    StudyReportService reports;

    @Inject
    RoutingContext context;

    @Inject
    Actors actors;

    @Inject
    CurrentIdentityAssociation identities;

    /*
     * The landing page and the access code are what every recipient goes through, so they run on the event loop
     * (each is a token check, a lookup or one statement, and a small page): no hand-over to a worker thread and back
     * for every database answer.
     */

    @GET
    @Path("/{token}")
    public Uni<Response> landing(@PathParam("token") String token) {
        return landing(token, 200, "", "");
    }

    @POST
    @Path("/{token}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> code(@PathParam("token") String token, @FormParam("code") String code,
            @FormParam("name") String name) {
        String claimed = name == null ? "" : name.strip();
        if (claimed.isEmpty() || claimed.length() > 200) {
            return landing(token, 400, "Give your name (at most 200 characters): the patient is told who opened "
                    + "what they shared.", "");
        }
        // a link bound to a physician opens only for that physician, signed in with password and one-time code
        String client = context.request().remoteAddress().hostAddress();
        return identities.getDeferredIdentity().map(id -> actors.of(id)
                .filter(a -> a.has(Role.PROVIDER) && a.satisfiesMfaRule()).map(Actor::subject).orElse(null))
                .chain(signedIn -> openings.tryCode(token, code == null ? "" : code.strip(), claimed, client, signedIn))
                .chain(outcome -> switch (outcome) {
                    case CodeOutcome.Accepted accepted -> {
                        Cookies.set(context, StudyLinks.SESSION_COOKIE, accepted.session(), "/s/" + token,
                                LinkOpeningService.sessionSeconds(), CookieSameSite.STRICT);
                        yield Uni.createFrom().item(Response.seeOther(URI.create("/s/" + token + "/study"))
                                .header("Cache-Control", "no-store").build());
                    }
                    // the name they gave stays in the form: only the code is asked for again
                    case CodeOutcome.Wrong wrong -> landing(token, 400, "That code is not right. "
                            + wrong.remaining() + (wrong.remaining() == 1 ? " attempt is" : " attempts are")
                            + " left before the link is locked.", claimed);
                    case CodeOutcome.SignInRequired required -> landing(token, 403, "This link opens only for "
                            + required.physician()
                            + ", signed in to the portal. Sign in first, then open the link again.", claimed);
                    case CodeOutcome.Throttled throttled -> landing(token, 429,
                            "Too many wrong codes from this connection. Try again in a quarter of an hour.", claimed);
                    case CodeOutcome.Unavailable unavailable -> Uni.createFrom().item(unavailable());
                });
    }

    @GET
    @Path("/{token}/study")
    public Response study(@PathParam("token") String token) {
        return openings.summary(token, session()).await().indefinitely()
                .map(summary -> page(200, Templates.summary(summary, Words.time(summary.expiresAt()),
                        "/s/" + token + "/view", "/s/" + token + "/download", linkedReports(token),
                        "/s/" + token + "/reports/")))
                .orElseGet(() -> backToCode(token));
    }

    private List<StudyReportService.ReportEntry> linkedReports(String token) {
        return links.basis(token, session()).await().indefinitely()
                .map(link -> reports.list(StudyCaller.of(link), link.studyId()).await().indefinitely())
                .orElse(List.of());
    }

    /** One of the linked study's reports; disclosed to the recipient before a byte is sent. */
    @GET
    @Path("/{token}/reports/{number}")
    @Produces({MediaType.TEXT_HTML, "application/pdf"})
    public Response report(@PathParam("token") String token, @PathParam("number") String number) {
        int n = ReportPages.number(number);
        return links.basis(token, session()).await().indefinitely()
                .map(link -> ReportPages.respond(reports,
                        reports.open(StudyCaller.of(link), link.studyId(), n).await().indefinitely(), n,
                        "/s/" + token + "/study"))
                .orElseGet(() -> backToCode(token));
    }

    @GET
    @Path("/{token}/view")
    public Response view(@PathParam("token") String token) {
        return openings.summary(token, session()).await().indefinitely()
                .map(summary -> page(200, ViewerView.link(token, summary.studyUid(),
                        summary.download() ? "/s/" + token + "/download" : null, linkedReports(token)).page()))
                .orElseGet(() -> backToCode(token));
    }

    /**
     * Signing out of the link: its session ends for every instance at once and its cookie is dropped; the landing
     * page follows, where the access code opens a new session while the link lasts.
     */
    @POST
    @Path("/{token}/signout")
    public Uni<Response> signOut(@PathParam("token") String token) {
        if (!token.matches("[A-Za-z0-9_-]{1,200}")) {
            // not a token of any link: nothing to end, and nowhere to lead back to
            return Uni.createFrom().item(unavailable());
        }
        return openings.signOut(token, session()).map(done -> {
            Cookies.set(context, StudyLinks.SESSION_COOKIE, "", "/s/" + token, 0, CookieSameSite.STRICT);
            return Response.seeOther(URI.create("/s/" + token)).header("Cache-Control", "no-store").build();
        });
    }

    /** The study as a ZIP (DICOM with DICOMDIR), if the link allows downloads; recorded before any byte is sent. */
    @GET
    @Path("/{token}/download")
    @Produces({"application/zip", MediaType.TEXT_HTML})
    public Response download(@PathParam("token") String token) {
        return links.basis(token, session()).await().indefinitely()
                .map(link -> StudyFilesResource.stream(archives,
                        archives.prepare(StudyCaller.of(link), link.studyId()).await().indefinitely()))
                .orElseGet(() -> backToCode(token));
    }

    private String session() {
        return Cookies.value(context, StudyLinks.SESSION_COOKIE);
    }

    /** Without a session the code is asked for again; a link that ended is simply unknown. */
    private Response backToCode(String token) {
        return openings.available(token).await().indefinitely()
                ? Response.seeOther(URI.create("/s/" + token)).header("Cache-Control", "no-store").build()
                : unavailable();
    }

    /** The landing page again with a message (and who the link is bound to), or unavailable if it ended. */
    private Uni<Response> landing(String token, int status, String message, String name) {
        return openings.boundTo(token).map(found -> found
                .map(bound -> page(status, Templates.landing(token, message, bound, name)))
                .orElseGet(LinkPages::unavailable));
    }

    private static Response unavailable() {
        return page(404, Templates.unavailable());
    }

    private static Response page(int status, TemplateInstance page) {
        // Referrer-Policy: no-referrer comes with every page (SecurityHeaders)
        return Response.status(status).entity(page).header("Cache-Control", "no-store").build();
    }
}
