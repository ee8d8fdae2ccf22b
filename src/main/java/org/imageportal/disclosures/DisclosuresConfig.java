package org.imageportal.disclosures;

import java.time.ZoneId;

import jakarta.validation.constraints.Min;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Disclosure records and the accountings built from them. */
@ConfigMapping(prefix = "portal.disclosures")
public interface DisclosuresConfig {

    /** The practice's time zone: report dates and accounting periods are days there. */
    @WithDefault("UTC")
    ZoneId timeZone();

    /**
     * How many years disclosure records and audit entries are kept; HIPAA requires six (45 CFR 164.530(j)), so
     * less stops the portal at start. Neither the portal nor the deletion of a study removes them (the portal's
     * database role may not delete them at all).
     */
    @WithDefault("7")
    @Min(value = 6, message = "disclosure records must be kept at least 6 years (45 CFR 164.530(j))")
    int retentionYears();
}
