package org.imageportal.platform.work;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.ScheduledExecution;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Scheduled jobs run once per period for the whole installation, however many portal instances share the database:
 * each run first claims the period in PostgreSQL ({@code portal.job_run}); the instance that claims it runs the job,
 * the others skip it. A claim counts for nine tenths of the period, so instances whose clocks and timers drift a
 * little never skip a period between them.
 */
@ApplicationScoped
public class ClusterJobs {

    private final Pool pool;
    private final MeterRegistry meters;

    ClusterJobs(Pool pool, MeterRegistry meters) {
        this.pool = pool;
        this.meters = meters;
    }

    /**
     * Claims this period of the job; true for exactly one claimant per period. Counted per instance in the metrics
     * ({@code portal_jobs_runs_total{job, outcome="ran"|"skipped"}}): across instances, one run per period.
     */
    public Uni<Boolean> claim(String job, Duration every) {
        long millis = Math.max(1, every.toMillis() * 9 / 10);
        return pool.preparedQuery("INSERT INTO portal.job_run AS j (job, ran_at) VALUES ($1, now()) "
                + "ON CONFLICT (job) DO UPDATE SET ran_at = now() "
                + "WHERE j.ran_at <= now() - $2 * interval '1 millisecond' RETURNING job")
                .execute(Tuple.of(job, millis)).map(rows -> rows.size() == 1)
                .invoke(mine -> meters.counter("portal.jobs.runs", "job", job, "outcome", mine ? "ran" : "skipped")
                        .increment());
    }

    /** The same for a job run by the scheduler, whose period is taken from its trigger. */
    public Uni<Boolean> claim(String job, ScheduledExecution execution) {
        return claim(job, period(execution));
    }

    /** Blocking variant, for jobs that run on worker threads. */
    public boolean claimNow(String job, ScheduledExecution execution) {
        return claim(job, execution).await().indefinitely();
    }

    static Duration period(ScheduledExecution execution) {
        Instant fired = execution.getScheduledFireTime();
        Instant next = execution.getTrigger().getNextFireTime();
        if (fired == null || next == null || !next.isAfter(fired)) {
            return Duration.ofSeconds(1);
        }
        return Duration.between(fired, next);
    }
}
