package org.imageportal.platform.http;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.imageportal.platform.errors.Problem;
import org.imageportal.platform.errors.ProblemType;
import org.jboss.logging.Logger;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Load shedding: at most {@link HttpLimitsConfig#maxInFlight} requests are in progress at once; the next is answered
 * at once with 503 and {@code Retry-After: 1} (problem+json, or the error page for people) before any work is done
 * for it. Without the limit an overload (or a cold start under full load) queues requests without bound and every
 * answer comes later than the one before. Health and metrics ({@code /q/}) are always answered. Shedding is logged at
 * most every ten seconds, with the count only.
 */
@ApplicationScoped
public class OverloadGuard {

    private static final Logger LOG = Logger.getLogger(OverloadGuard.class);
    private static final long WARN_EVERY = TimeUnit.SECONDS.toNanos(10);

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong shed = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY);
    private final int limit;
    private final EdgeGuard edge;

    OverloadGuard(HttpLimitsConfig config, EdgeGuard edge) {
        this.limit = config.maxInFlight();
        this.edge = edge;
    }

    void register(@Observes Router router) {
        if (limit > 0) {
            // after the security headers (MIN_VALUE), so that a refusal carries them too
            router.route().order(Integer.MIN_VALUE + 1).handler(this::admit);
        }
    }

    void admit(RoutingContext context) {
        String path = context.request().path();
        if (path.startsWith("/q/")) {
            context.next();
            return;
        }
        if (inFlight.incrementAndGet() > limit) {
            inFlight.decrementAndGet();
            refuse(context, path);
            return;
        }
        // called once the response has ended or the connection has gone, whichever comes first
        context.addEndHandler(ended -> inFlight.decrementAndGet());
        context.next();
    }

    private void refuse(RoutingContext context, String path) {
        long refused = shed.incrementAndGet();
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY && lastWarning.compareAndSet(last, now)) {
            LOG.warnf("overloaded: %d requests in progress, %d refused with 503 so far", limit, refused);
        }
        context.response().putHeader("Retry-After", "1");
        edge.send(context, Problem.of(ProblemType.UNAVAILABLE, "the portal is busy; please try again in a moment"),
                false);
    }

    /** Requests in progress now (for tests and diagnostics). */
    public int inFlight() {
        return inFlight.get();
    }
}
