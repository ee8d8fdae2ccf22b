package org.imageportal.retention;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Retention schedules (the rules themselves are rows of portal.retention_rule). */
@ConfigMapping(prefix = "portal.retention")
public interface RetentionConfig {

    /** What the scheduled run does. */
    enum Mode {
        /** Logs how many studies are due; nothing is deleted (review the report first). */
        REPORT,
        /** Purges the studies due that are not on legal hold. */
        PURGE
    }

    @WithDefault("REPORT")
    Mode mode();

    /** How often the scheduled run happens (a Quarkus scheduler interval). */
    @WithDefault("24h")
    String every();
}
