package org.imageportal.studies;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The read-back scrub of stored images. */
@ConfigMapping(prefix = "portal.scrub")
public interface ScrubConfig {

    /** How often a run starts (one instance of the installation runs it). */
    @WithDefault("10m")
    Duration every();

    /**
     * How many stored images one run reads back (0: none). With the defaults, 200 every 10 minutes, a store of a
     * million images is read back every 35 days.
     */
    @WithDefault("200")
    int batch();
}
