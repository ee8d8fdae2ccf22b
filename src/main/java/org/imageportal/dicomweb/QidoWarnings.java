package org.imageportal.dicomweb;

import java.util.regex.Pattern;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Tells a QIDO-RS client, in Warning headers, what its search did not do as asked (fuzzy matching, unsupported
 * matching keys), on every DICOMweb root: the staff's and patients', the viewer's and a share link's.
 */
public class QidoWarnings {

    private static final Pattern SEARCH = Pattern.compile(".*/dicomweb/(studies|series|studies/[^/]+/series"
            + "|studies/[^/]+/instances|studies/[^/]+/series/[^/]+/instances)/?");

    @ServerResponseFilter
    public void warn(ContainerRequestContext request, ContainerResponseContext response) {
        if (!"GET".equals(request.getMethod()) || response.getStatus() >= 300
                || !SEARCH.matcher(request.getUriInfo().getPath()).matches()) {
            return;
        }
        for (String warning : QidoQuery.warnings(request.getUriInfo().getQueryParameters(), "image-portal")) {
            response.getHeaders().add("Warning", warning);
        }
    }
}
