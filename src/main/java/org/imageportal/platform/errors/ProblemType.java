package org.imageportal.platform.errors;

import java.net.URI;

/** The catalogue of problem types the portal answers with; one slug each, documented in docs/endpoints.md. */
public enum ProblemType {

    BAD_REQUEST("bad-request", "The request is not valid", 400), VALIDATION("validation", "Some input is not valid",
            400), UNAUTHENTICATED("unauthenticated", "Sign-in required", 401), MFA_REQUIRED("mfa-required",
                    "Sign-in with a one-time code required",
                    403), FORBIDDEN("forbidden", "Not allowed for your role", 403), CSRF("csrf",
                            "The form expired or did not come from this portal",
                            403), NOT_FOUND("not-found", "Not found", 404), METHOD_NOT_ALLOWED("method-not-allowed",
                                    "Method not allowed",
                                    405), NOT_ACCEPTABLE("not-acceptable", "Not acceptable", 406), CONFLICT("conflict",
                                            "Conflict", 409), IDENTITY_NOT_VERIFIED("identity-not-verified",
                                                    "Identity not verified in person",
                                                    409), PAYLOAD_TOO_LARGE("payload-too-large",
                                                            "The upload is too large",
                                                            413), REQUEST_TIMEOUT("request-timeout",
                                                                    "The request took too long to arrive",
                                                                    408), URI_TOO_LONG("uri-too-long",
                                                                            "The address is too long",
                                                                            414), HEADERS_TOO_LARGE("headers-too-large",
                                                                                    "The request headers are too large",
                                                                                    431), RANGE_NOT_SATISFIABLE(
                                                                                            "range-not-satisfiable",
                                                                                            "Range not satisfiable",
                                                                                            416), UNSUPPORTED_MEDIA_TYPE(
                                                                                                    "unsupported-media-type",
                                                                                                    "Unsupported media type",
                                                                                                    415), TOO_MANY_REQUESTS(
                                                                                                            "too-many-requests",
                                                                                                            "Too many attempts",
                                                                                                            429), INTERNAL(
                                                                                                                    "internal",
                                                                                                                    "Something went wrong on our side",
                                                                                                                    500), UNAVAILABLE(
                                                                                                                            "unavailable",
                                                                                                                            "Temporarily unavailable",
                                                                                                                            503);

    private final String slug;
    private final String title;
    private final int status;

    ProblemType(String slug, String title, int status) {
        this.slug = slug;
        this.title = title;
        this.status = status;
    }

    public URI uri() {
        return URI.create(Problem.TYPE_BASE + slug);
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public int status() {
        return status;
    }

    /** The generic type for an HTTP status we did not raise ourselves. */
    public static ProblemType forStatus(int status) {
        for (ProblemType type : values()) {
            if (type.status == status && type != VALIDATION && type != MFA_REQUIRED && type != CSRF) {
                return type;
            }
        }
        return status >= 500 ? INTERNAL : BAD_REQUEST;
    }
}
