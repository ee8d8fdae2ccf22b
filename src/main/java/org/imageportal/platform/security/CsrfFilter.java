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
 * Rejects any state-changing browser request that does not carry this browser's CSRF token (a form field, or the
 * {@code X-CSRF-Token} header for script uploads), or a form that comes from another origin. APIs and DICOMweb
 * (bearer tokens, no cookies) are not affected.
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
    public Response checkForm(ResteasyReactiveContainerRequestContext context, HttpServerRequest request,
            io.vertx.ext.web.RoutingContext routing) {
        if (SAFE.contains(request.method().name()) || ProblemResponses.isMachinePath(request.path())) {
            return null;
        }
        String seed = request.getCookie(CsrfTokens.COOKIE) == null
                ? null
                : request.getCookie(CsrfTokens.COOKIE).getValue();
        if (!isForm(context.getMediaType())) {
            // script uploads from the portal's own pages (files, ZIPs) carry the token in a header
            return tokens.valid(seed, CsrfTokens.session(routing), request.getHeader(CsrfTokens.HEADER))
                    ? null
                    : reject(request);
        }
        String origin = request.getHeader("Origin");
        // our own pages send no referrer, so browsers send "Origin: null" for their forms: the token decides then
        if (origin != null && !"null".equals(origin) && !origin.equals(originOf(config.publicUrl()))
                && !origin.equals(requestOrigin(request))) {
            return reject(request);
        }
        ResteasyReactiveRequestContext rr = (ResteasyReactiveRequestContext) context.getServerRequestContext();
        Object presented = rr.getFormParameter(CsrfTokens.FIELD, true, false);
        if (!(presented instanceof String value) || !tokens.valid(seed, CsrfTokens.session(routing), value)) {
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
