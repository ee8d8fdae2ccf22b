package org.imageportal.demo;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The demonstration data that {@code infra/portal run} puts into its own realm and database. */
@ConfigMapping(prefix = "portal.demo")
public interface DemoConfig {

    /**
     * Whether this installation may be seeded with demonstration data at all. Off unless the local stack's run
     * step (or the test profile) turns it on; the prod profile refuses to seed whatever this says.
     */
    @WithDefault("false")
    boolean enabled();
}
