package org.imageportal.platform.http;

import java.util.List;
import java.util.Map;

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
 * Text that no record can hold is refused where it arrives: a NUL character (which PostgreSQL cannot store in text)
 * or another C0 control character other than tab and line breaks, in a query parameter or a form field. The answer
 * is a 400 naming the parameter, never the value.
 */
public class TextInputFilter {

    @Inject
    ProblemResponses responses;

    @ServerRequestFilter(priority = 90)
    @WithFormRead
    public Response check(ResteasyReactiveContainerRequestContext context, HttpServerRequest request) {
        for (Map.Entry<String, List<String>> parameter : context.getUriInfo().getQueryParameters().entrySet()) {
            if (!storable(parameter.getKey()) || !parameter.getValue().stream().allMatch(TextInputFilter::storable)) {
                return refuse(request, "query parameter " + printable(parameter.getKey()));
            }
        }
        if (isForm(context.getMediaType())) {
            ResteasyReactiveRequestContext rr = (ResteasyReactiveRequestContext) context.getServerRequestContext();
            var form = rr.getFormData();
            if (form != null) {
                for (String name : form) {
                    if (!storable(name)) {
                        return refuse(request, "a form field");
                    }
                    for (var value : form.get(name)) {
                        if (!value.isFileItem() && !storable(value.getValue())) {
                            return refuse(request, "form field " + printable(name));
                        }
                    }
                }
            }
        }
        return null;
    }

    /** Whether the text holds no character a record cannot keep (NUL, other C0 controls but tab, CR, LF). */
    public static boolean storable(String text) {
        if (text == null) {
            return true;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    private Response refuse(HttpServerRequest request, String where) {
        return responses.respond(Problem.of(ProblemType.BAD_REQUEST,
                "The " + where + " contains a control character (such as NUL) that cannot be accepted."), request);
    }

    private static String printable(String name) {
        return storable(name) && name.length() <= 64 ? name : "(unnamed)";
    }

    private static boolean isForm(MediaType type) {
        return type != null && (type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                || type.isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE));
    }
}
