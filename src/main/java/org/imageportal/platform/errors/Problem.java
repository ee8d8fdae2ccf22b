package org.imageportal.platform.errors;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem: the one error shape of every API answer and, rendered as HTML, of every error page.
 * {@code detail} is written for the person reading it and never carries PHI, tokens, SQL or class names.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(URI type, String title, int status, String detail, String instance, String errorId,
        List<Violation> violations) {

    /** Base of our problem type URIs; each type has a stable slug, e.g. {@code mfa-required}. */
    public static final String TYPE_BASE = "https://imageportal.org/problems/";

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One invalid input field. */
    public record Violation(String field, String message) {
    }

    public static Problem of(ProblemType type, String detail) {
        return new Problem(type.uri(), type.title(), type.status(), detail, null, null, List.of());
    }

    public Problem withInstance(String path) {
        return new Problem(type, title, status, detail, path, errorId, violations);
    }

    public Problem withErrorId(String id) {
        return new Problem(type, title, status, detail, instance, id, violations);
    }

    public Problem withViolations(List<Violation> list) {
        return new Problem(type, title, status, detail, instance, errorId, List.copyOf(list));
    }
}
