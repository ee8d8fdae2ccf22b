package org.imageportal.platform.errors;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.vertx.core.http.HttpServerRequest;

/**
 * Turns a {@link Problem} into the answer the caller can read: problem+json for programs, an error page for
 * people. Which one is decided by the path (APIs never get HTML) and the Accept header.
 */
@ApplicationScoped
public class ProblemResponses {

    private static final List<String> MACHINE_PREFIXES = List.of("/api/", "/dicomweb/", "/q/");

    @Inject
    @Location("error.html")
    Template errorPage;

    /** APIs, DICOMweb and management endpoints: answered to programs, never with pages or redirects. */
    public static boolean isMachinePath(String path) {
        return path != null && (MACHINE_PREFIXES.stream().anyMatch(path::startsWith) || "/api".equals(path));
    }

    public static boolean wantsHtml(String path, String accept) {
        if (path == null || isMachinePath(path)) {
            return false;
        }
        return accept != null && accept.contains(MediaType.TEXT_HTML);
    }

    /** The path as it may be logged or echoed: share-link tokens are secrets and are cut out. */
    public static String redacted(String path) {
        return path == null ? null : path.replaceAll("^/s/[^/]+", "/s/…");
    }

    public Response respond(Problem problem, HttpServerRequest request) {
        String path = request == null ? null : redacted(request.path());
        Problem withInstance = problem.instance() == null ? problem.withInstance(path) : problem;
        String accept = request == null ? null : request.getHeader(HttpHeaders.ACCEPT);
        Response.ResponseBuilder builder = Response.status(problem.status());
        if (wantsHtml(path, accept)) {
            return builder.type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(page(withInstance)).build();
        }
        return builder.type(Problem.MEDIA_TYPE).entity(withInstance).build();
    }

    /** The error page for people. */
    public String page(Problem problem) {
        return errorPage.data("problem", problem).render();
    }
}
