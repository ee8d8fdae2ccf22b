package org.imageportal.sharing;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits on what a share may allow. */
@ConfigMapping(prefix = "portal.sharing")
public interface SharingConfig {

    /** How long a grant to a physician lasts when the patient does not choose. */
    @WithDefault("P30D")
    Duration grantDefaultExpiry();

    /** The longest a grant may last. */
    @WithDefault("P365D")
    Duration grantMaxExpiry();
}
