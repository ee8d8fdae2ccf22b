package org.imageportal.platform.security;

import java.net.URI;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.imageportal.platform.errors.Problem;
import org.imageportal.platform.errors.ProblemResponses;
import org.imageportal.platform.errors.ProblemType;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.WithFormRead;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

import io.vertx.core.http.HttpServerRequest;

/**
 * Rejects any state-changing browser form that does not carry this browser's CSRF token, or that comes from
 * another origin. APIs (bearer tokens, no cookies) are not forms and are not affected.
 */
public class CsrfFilter {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    CsrfTokens tokens;

    @Inject
    SecurityConfig config;

    @Inject
    ProblemResponses responses;

    @ServerRequestFilter(priority = 100)
    @WithFormRead
    public Response checkForm(ResteasyReactiveContainerRequestContext context, HttpServerRequest request) {
        if (SAFE.contains(request.method().name()) || !isForm(context.getMediaType())) {
            return null;
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !origin.equals(originOf(config.publicUrl())) && !origin.equals(requestOrigin(request))) {
            return reject(request);
        }
        ResteasyReactiveRequestContext rr = (ResteasyReactiveRequestContext) context.getServerRequestContext();
        Object presented = rr.getFormParameter(CsrfTokens.FIELD, true, false);
        String seed = request.getCookie(CsrfTokens.COOKIE) == null
                ? null
                : request.getCookie(CsrfTokens.COOKIE).getValue();
        if (!(presented instanceof String value) || !tokens.valid(seed, value)) {
            return reject(request);
        }
        return null;
    }

    private Response reject(HttpServerRequest request) {
        return responses.respond(Problem.of(ProblemType.CSRF,
                "Open the page again and resubmit the form from there."), request);
    }

    private static boolean isForm(MediaType type) {
        return type != null && (type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                || type.isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE));
    }

    private static String requestOrigin(HttpServerRequest request) {
        return request.scheme() + "://" + request.getHeader("Host");
    }

    static String originOf(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
