package org.imageportal.platform.http;

import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.imageportal.platform.errors.Problem;
import org.imageportal.platform.errors.ProblemResponses;
import org.imageportal.platform.errors.ProblemType;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.security.AuthenticationException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * What the framework would otherwise answer on its own before a resource runs: an oversized form is refused with 413
 * before its body is read, and every failure of the HTTP layer (a form the decoder gives up on, a body cut off)
 * becomes a problem (or the error page for people), logged once, with share-link tokens cut out of the path. The
 * framework's default handler answers 500 and logs the full path, once per body chunk.
 */
@ApplicationScoped
public class EdgeGuard {

    private static final Logger LOG = Logger.getLogger(EdgeGuard.class);
    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");

    private final HttpLimitsConfig config;
    private final ProblemResponses problems;
    private final ObjectMapper json;

    EdgeGuard(HttpLimitsConfig config, ProblemResponses problems, ObjectMapper json) {
        this.config = config;
        this.problems = problems;
        this.json = json;
    }

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(this::checkHead);
        router.route().order(Integer.MIN_VALUE + 2).handler(this::checkForm);
        router.route("/q/metrics*").order(Integer.MIN_VALUE + 2).handler(this::checkMetricsClient);
        router.route().order(Integer.MIN_VALUE).failureHandler(this::failed);
    }

    /** A request target or headers larger than the portal answers: a problem, never the HTTP layer's empty answer. */
    void checkHead(RoutingContext context) {
        var request = context.request();
        if (request.uri().length() > config.maxUriBytes()) {
            send(context, Problem.of(ProblemType.URI_TOO_LONG,
                    "An address may be at most " + config.maxUriBytes() + " characters long."), true);
            return;
        }
        long headerBytes = 0;
        for (var header : request.headers()) {
            headerBytes += header.getKey().length() + header.getValue().length() + 4;
        }
        if (headerBytes > config.maxHeaderBytes()) {
            send(context, Problem.of(ProblemType.HEADERS_TOO_LARGE,
                    "The request's headers may hold at most " + config.maxHeaderBytes() + " bytes."), true);
            return;
        }
        if (BODY_METHODS.contains(request.method().name()) && smallBody(request.getHeader(HttpHeaders.CONTENT_TYPE))
                && !request.isEnded()) {
            deadline(context);
        }
        context.next();
    }

    /** Forms and JSON are small: one trickled in to hold a connection is cut off. */
    private static boolean smallBody(String type) {
        String t = type == null ? "" : type.toLowerCase(java.util.Locale.ROOT);
        return !t.startsWith("multipart/") && !t.startsWith("application/dicom")
                && !t.startsWith("application/octet-stream") && !t.startsWith("application/zip");
    }

    private void deadline(RoutingContext context) {
        var vertx = context.vertx();
        long timer = vertx.setTimer(config.smallBodyTimeout().toMillis(), fired -> {
            if (context.request().isEnded() || context.response().closed()) {
                return;
            }
            LOG.warnf("a request body was still arriving after %d s; connection closed",
                    config.smallBodyTimeout().toSeconds());
            if (context.response().headWritten() || context.response().ended()) {
                context.request().connection().close();
            } else {
                send(context, Problem.of(ProblemType.REQUEST_TIMEOUT, "The request's body took too long to arrive."),
                        true);
            }
        });
        context.addEndHandler(done -> vertx.cancelTimer(timer));
    }

    void checkForm(RoutingContext context) {
        var request = context.request();
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (BODY_METHODS.contains(request.method().name()) && type != null
                && type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            long length = declaredLength(request.getHeader(HttpHeaders.CONTENT_LENGTH));
            if (length > config.maxFormBytes()) {
                send(context, Problem.of(ProblemType.PAYLOAD_TOO_LARGE,
                        "A form may carry at most " + config.maxFormBytes() + " bytes."), true);
                return;
            }
        }
        context.next();
    }

    /** Metrics tell much about the installation: only the configured monitoring addresses read them. */
    void checkMetricsClient(RoutingContext context) {
        var allowed = config.metricsFrom().orElse(java.util.List.of());
        // the connection's own peer, never a forwarded address (a client can write X-Forwarded-For itself), and
        // only directly: anything that came through the reverse proxy carries forwarding headers
        var peer = context.request().connection().remoteAddress();
        boolean forwarded = context.request().getHeader("X-Forwarded-For") != null
                || context.request().getHeader("Forwarded") != null;
        if (allowed.isEmpty() || !forwarded && peer != null && Cidr.anyContains(allowed, peer.hostAddress())) {
            context.next();
            return;
        }
        send(context, Problem.of(ProblemType.NOT_FOUND, "There is nothing here, or you may not see it."), false);
    }

    void failed(RoutingContext context) {
        Throwable failure = context.failure();
        if (isSecurity(failure)) {
            // sign-in challenges and redirects are the security layer's own answers
            context.next();
            return;
        }
        if (context.response().ended() || context.response().closed()) {
            return;
        }
        if (context.response().headWritten()) {
            context.response().reset();
            return;
        }
        int status = context.statusCode();
        if (failure instanceof jakarta.ws.rs.WebApplicationException web) {
            status = web.getResponse().getStatus();
        }
        if (status < 0 || status == 500 && tooLarge(failure)) {
            status = tooLarge(failure) ? 413 : 500;
        }
        String path = ProblemResponses.redacted(context.request().path());
        Problem problem;
        if (status >= 500) {
            String errorId = UUID.randomUUID().toString();
            LOG.errorf("request failed before reaching the portal %s on %s %s: %s", errorId,
                    context.request().method(), path, failure == null ? "status " + status : failure.toString());
            problem = Problem.of(ProblemType.INTERNAL,
                    "The error was logged. Quote the error id if you contact support.").withErrorId(errorId);
        } else if (status == 413) {
            problem = Problem.of(ProblemType.PAYLOAD_TOO_LARGE, "The request is larger than this address accepts.");
        } else {
            ProblemType type = ProblemType.forStatus(status);
            problem = new Problem(type.uri(), type.title(), status, "The request could not be read as sent.", null,
                    null, java.util.List.of());
        }
        send(context, problem, status == 413 || failure != null);
    }

    /** Ends the exchange with the problem; {@code close}: the rest of the body is not read. */
    public void send(RoutingContext context, Problem problem, boolean close) {
        String path = ProblemResponses.redacted(context.request().path());
        Problem shown = problem.instance() == null ? problem.withInstance(path) : problem;
        var response = context.response().setStatusCode(problem.status());
        boolean http1 = context.request().version() != io.vertx.core.http.HttpVersion.HTTP_2;
        if (close && http1) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        if (ProblemResponses.wantsHtml(path, context.request().getHeader(HttpHeaders.ACCEPT))) {
            response.putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=UTF-8");
            end(context, problems.page(shown), close && http1);
        } else {
            String body;
            try {
                body = json.writeValueAsString(shown);
            } catch (JsonProcessingException e) {
                body = "{}";
            }
            response.putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
            end(context, body, close && http1);
        }
    }

    private static void end(RoutingContext context, String body, boolean close) {
        var ended = context.response().end(body);
        if (close) {
            // the rest of the body is not worth reading
            ended.onComplete(done -> context.request().connection().close());
        }
    }

    private static long declaredLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static boolean isSecurity(Throwable failure) {
        return failure instanceof AuthenticationException || failure instanceof UnauthorizedException
                || failure instanceof ForbiddenException || failure != null
                        && (failure.getClass().getName().startsWith("io.quarkus.security")
                                || failure.getClass().getName().startsWith("io.quarkus.oidc"));
    }

    private static boolean tooLarge(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String name = t.getClass().getSimpleName();
            String message = String.valueOf(t.getMessage()).toLowerCase();
            if (name.contains("TooLong") || message.contains("size exceed") || message.contains("too large")
                    || message.contains("too long")) {
                return true;
            }
        }
        return false;
    }
}
