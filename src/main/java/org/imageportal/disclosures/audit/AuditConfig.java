package org.imageportal.disclosures.audit;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The audit trail and the records kept with it. */
@ConfigMapping(prefix = "portal.audit")
public interface AuditConfig {

    /**
     * How often the chain's head is copied outside the database (an object in the store), so that cutting entries
     * off the end of the trail is detected too.
     */
    @WithDefault("10m")
    Duration anchorEvery();

    /**
     * How often each portal instance seals the entries appended since into the chain (one sealer at a time across
     * instances). Readers that need chain positions seal first, so this bounds only how long an entry waits for its
     * hash when nobody reads.
     */
    @WithDefault("1s")
    Duration sealEvery();

    /**
     * How often the whole chain is recomputed on its own (the anchoring checks only the entries written since the
     * last anchor; the audit page, the API and {@code infra/portal verify-audit} recompute it on demand).
     */
    @WithDefault("24h")
    Duration verifyEvery();

    /**
     * The key that signs the anchor (HMAC-SHA256; base64 of at least 32 random bytes). A secret: it must not be
     * readable by whoever can write to the database or the bucket. PORTAL_AUDIT_ANCHOR_KEY.
     */
    String anchorKey();

    /** The portal's audit source id in exported audit messages (DICOM AuditSourceID, FHIR source.observer). */
    @WithDefault("image-portal")
    String sourceId();

    /** The enterprise site the portal serves (DICOM AuditEnterpriseSiteID, FHIR source.site), if named. */
    Optional<String> site();
}
