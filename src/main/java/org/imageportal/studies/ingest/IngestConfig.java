package org.imageportal.studies.ingest;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits for images coming in. */
@ConfigMapping(prefix = "portal.ingest")
public interface IngestConfig {

    /** Largest single instance accepted; larger ones fail with "out of resources" (0xA700). */
    @WithDefault("2G")
    MemorySize maxInstanceSize();

    /** Largest header (everything before the pixel data), which is the part held in memory while checking. */
    @WithDefault("16M")
    MemorySize maxHeaderSize();

    /**
     * The most one upload (a CD's ZIP) may expand to. Beyond 32 MiB a ZIP may also expand at most 100 times its
     * compressed size so far: images barely compress, a ZIP bomb expands a thousandfold.
     */
    @WithDefault("16G")
    MemorySize maxUploadSize();

    /**
     * How old a pending object must be before the sweeper deletes it as an orphan: longer than the slowest upload
     * of one instance.
     */
    @WithDefault("6h")
    Duration orphanGrace();

    /** How often the sweeper runs. */
    @WithDefault("1h")
    Duration sweepEvery();
}
