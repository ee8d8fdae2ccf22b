package org.imageportal.platform.errors;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticator;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/** Every exception that leaves a resource becomes a problem; nothing else reaches the caller. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @Inject
    ProblemResponses responses;

    @ServerExceptionMapper
    public Response problem(ProblemException e, HttpServerRequest request) {
        return responses.respond(e.problem(), request);
    }

    /**
     * No or bad credentials. APIs answer 401 with a Bearer challenge; pages start the sign-in (code flow).
     */
    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Uni<Response> unauthenticated(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (!ProblemResponses.isMachinePath(request.path())) {
            HttpAuthenticator authenticator = context.get(HttpAuthenticator.class.getName());
            if (authenticator != null) {
                return authenticator.getChallenge(context).map(challenge -> {
                    Response.ResponseBuilder builder = Response.status(challenge.status);
                    challenge.getHeaders().forEach((name, value) -> builder.header(name.toString(), value));
                    return builder.build();
                });
            }
        }
        Response response = Response.fromResponse(responses.respond(
                Problem.of(ProblemType.UNAUTHENTICATED,
                        "Send a valid bearer token from the portal's identity provider."),
                request)).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
        return Uni.createFrom().item(response);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, HttpServerRequest request) {
        return responses.respond(Problem.of(ProblemType.FORBIDDEN, "Your role does not allow this."), request);
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, HttpServerRequest request) {
        List<Problem.Violation> violations = e.getConstraintViolations().stream()
                .map(v -> new Problem.Violation(lastNode(v.getPropertyPath().toString()), v.getMessage()))
                .sorted((a, b) -> a.field().compareTo(b.field()))
                .toList();
        return responses.respond(Problem.of(ProblemType.VALIDATION, "Correct the fields listed in violations.")
                .withViolations(violations), request);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpServerRequest request) {
        int status = e.getResponse().getStatus();
        if (status >= 500 || e instanceof org.jboss.resteasy.reactive.ResteasyReactiveClientProblem) {
            // a service the portal calls (Keycloak's admin API) refused the portal, not the caller: never pass its
            // status on as if the caller had erred; log it with an error id like any failure of the portal's own
            return unexpected(e, request);
        }
        ProblemType type = ProblemType.forStatus(status);
        return responses.respond(new Problem(type.uri(), type.title(), status, detailFor(status), null, null,
                List.of()), request);
    }

    /** A JSON body that cannot be read: where it fails, never what it holds. */
    @ServerExceptionMapper({com.fasterxml.jackson.core.JsonProcessingException.class,
            com.fasterxml.jackson.databind.exc.MismatchedInputException.class,
            com.fasterxml.jackson.databind.exc.InvalidFormatException.class})
    public Response unreadableJson(com.fasterxml.jackson.core.JsonProcessingException e, HttpServerRequest request) {
        String field = e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()
                ? m.getPath().getLast().getFieldName()
                : null;
        String reason = e instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException
                && e.getOriginalMessage().contains("control character")
                        ? "contains a control character (such as NUL) that cannot be accepted"
                        : "is not valid JSON of the expected shape";
        Problem problem = Problem.of(ProblemType.BAD_REQUEST, "The request body " + reason + ".");
        return responses.respond(field == null
                ? problem
                : problem.withViolations(List.of(new Problem.Violation(field, reason))), request);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, HttpServerRequest request) {
        if (unstorableText(e)) {
            // the last line of defence for text checked nowhere before: PostgreSQL refused a NUL
            return responses.respond(Problem.of(ProblemType.BAD_REQUEST,
                    "Some text contains a character (such as NUL) that cannot be stored."), request);
        }
        String errorId = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error %s on %s %s", errorId, request == null ? "-" : request.method(),
                request == null ? "-" : ProblemResponses.redacted(request.path()));
        return responses.respond(Problem.of(ProblemType.INTERNAL,
                "The error was logged. Quote the error id if you contact support.").withErrorId(errorId), request);
    }

    /** PostgreSQL's refusal of a NUL character or an escape it cannot store (SQLSTATE 22021, 22P05). */
    private static boolean unstorableText(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.vertx.pgclient.PgException pg
                    && ("22021".equals(pg.getSqlState()) || "22P05".equals(pg.getSqlState()))) {
                return true;
            }
        }
        return false;
    }

    private static String lastNode(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    private static String detailFor(int status) {
        return switch (status) {
            case 404 -> "There is nothing here, or you may not see it.";
            case 405 -> "This address does not accept that method.";
            case 406 -> "This address cannot answer in the format asked for.";
            case 415 -> "This address does not accept that content type.";
            case 413 -> "The request body is larger than this address accepts.";
            default -> "The request could not be processed as sent.";
        };
    }
}
