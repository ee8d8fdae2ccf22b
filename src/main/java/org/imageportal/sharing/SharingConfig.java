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

    /**
     * Share-link signing keys, {@code id:base64,id:base64} (ids 0-255, secrets of at least 32 bytes). Add a key
     * and make it primary to rotate; drop the old one when its links should stop working. Secret:
     * PORTAL_LINK_KEYS.
     */
    String linkKeys();

    /** The key that signs new links (default: the highest id). */
    java.util.Optional<Integer> linkPrimaryKey();

    /** How long a link lasts when the issuer does not choose. */
    @WithDefault("P7D")
    Duration linkDefaultExpiry();

    /** The longest a link may last. */
    @WithDefault("P30D")
    Duration linkMaxExpiry();

    /** How long before a grant or link ends its patient is told (once per share). */
    @WithDefault("P2D")
    Duration expiryWarning();

    /** How often shares about to end are looked for ({@code off}: never). */
    @WithDefault("15m")
    String expiryCheckEvery();
}
