package org.imageportal.web;

import java.net.URI;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

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

import org.imageportal.platform.security.Cookies;
import org.imageportal.sharing.LinkOpeningService;
import org.imageportal.sharing.LinkOpeningService.CodeOutcome;
import org.imageportal.sharing.LinkOpeningService.LinkSummary;
import org.imageportal.studies.StudyArchiveService;
import org.imageportal.studies.StudyFilesResource;
import org.imageportal.studies.access.StudyLinks;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
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

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'")
            .withZone(ZoneId.of("UTC"));

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance landing(String token, String message);

        static native TemplateInstance summary(LinkSummary study, String expires, String viewUrl,
                String downloadUrl);

        static native TemplateInstance viewer(ViewerView viewer);

        static native TemplateInstance unavailable();
    }

    @Inject
    LinkOpeningService openings;

    @Inject
    StudyLinks links;

    @Inject
    StudyArchiveService archives;

    @Inject
    RoutingContext context;

    @GET
    @Path("/{token}")
    public Response landing(@PathParam("token") String token) {
        boolean available = openings.available(token).await().indefinitely();
        return available ? page(200, Templates.landing(token, "")) : unavailable();
    }

    @POST
    @Path("/{token}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response code(@PathParam("token") String token, @FormParam("code") String code) {
        CodeOutcome outcome = openings.tryCode(token, code == null ? "" : code.strip(),
                context.request().remoteAddress().hostAddress()).await().indefinitely();
        return switch (outcome) {
            case CodeOutcome.Accepted accepted -> {
                Cookies.set(context, StudyLinks.SESSION_COOKIE, accepted.session(), "/s/" + token,
                        LinkOpeningService.sessionSeconds(), CookieSameSite.STRICT);
                yield Response.seeOther(URI.create("/s/" + token + "/study")).header("Cache-Control", "no-store")
                        .build();
            }
            case CodeOutcome.Wrong wrong -> page(400, Templates.landing(token, "That code is not right. "
                    + wrong.remaining() + (wrong.remaining() == 1 ? " attempt is" : " attempts are")
                    + " left before the link is locked."));
            case CodeOutcome.Throttled throttled -> page(429, Templates.landing(token,
                    "Too many wrong codes from this connection. Try again in a quarter of an hour."));
            case CodeOutcome.Unavailable unavailable -> unavailable();
        };
    }

    @GET
    @Path("/{token}/study")
    public Response study(@PathParam("token") String token) {
        return openings.summary(token, session()).await().indefinitely()
                .map(summary -> page(200, Templates.summary(summary, WHEN.format(summary.expiresAt()),
                        "/s/" + token + "/view", "/s/" + token + "/download")))
                .orElseGet(() -> backToCode(token));
    }

    @GET
    @Path("/{token}/view")
    public Response view(@PathParam("token") String token) {
        return openings.summary(token, session()).await().indefinitely()
                .map(summary -> page(200, Templates.viewer(new ViewerView("/s/" + token + "/dicomweb",
                        summary.studyUid(), "/s/" + token + "/study",
                        summary.download() ? "/s/" + token + "/download" : null))))
                .orElseGet(() -> backToCode(token));
    }

    /** The study as a ZIP (DICOM with DICOMDIR), if the link allows downloads; recorded before any byte is sent. */
    @GET
    @Path("/{token}/download")
    @Produces({"application/zip", MediaType.TEXT_HTML})
    public Response download(@PathParam("token") String token) {
        return links.basis(token, session()).await().indefinitely()
                .map(link -> StudyFilesResource.stream(archives, archives.prepare(link).await().indefinitely()))
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

    private static Response unavailable() {
        return page(404, Templates.unavailable());
    }

    private static Response page(int status, TemplateInstance page) {
        // Referrer-Policy: no-referrer comes with every page (SecurityHeaders)
        return Response.status(status).entity(page).header("Cache-Control", "no-store").build();
    }
}
