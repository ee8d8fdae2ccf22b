package org.imageportal.breakglass;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Break-glass access. */
@ConfigMapping(prefix = "portal.break-glass")
public interface BreakGlassConfig {

    /** How long a break-glass opening gives access to the study. */
    @WithDefault("PT1H")
    Duration window();
}
