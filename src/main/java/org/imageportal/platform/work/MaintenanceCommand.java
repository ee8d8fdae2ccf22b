package org.imageportal.platform.work;

import jakarta.inject.Singleton;

import io.quarkus.runtime.annotations.CommandLineArguments;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

/**
 * Skips a scheduled job while the process runs a maintenance command ({@code migrate}, {@code verify-audit}, ...)
 * instead of serving: such a process may start before the schema exists and must not do the serving portal's
 * background work.
 */
@Singleton
public class MaintenanceCommand implements Scheduled.SkipPredicate {

    private final boolean command;

    MaintenanceCommand(@CommandLineArguments String[] args) {
        this.command = args.length > 0;
    }

    @Override
    public boolean test(ScheduledExecution execution) {
        return command;
    }
}
