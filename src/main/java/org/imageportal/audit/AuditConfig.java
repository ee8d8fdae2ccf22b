package org.imageportal.audit;

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

    /** How long after start the first timed anchoring runs. */
    @WithDefault("1m")
    Duration anchorFirstAfter();

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

    /**
     * The bucket the anchor is written to, versioned and under object lock (created so if missing); on the store of
     * {@code portal.storage} unless {@code anchor-endpoint} names another. Absent: the anchor is one plain object in
     * the portal's bucket, which whoever administers it can roll back or delete (allowed only where
     * {@code anchor-object-lock} is false). PORTAL_AUDIT_ANCHOR_BUCKET.
     */
    Optional<String> anchorBucket();

    /** The endpoint of the anchor's bucket, if another than {@code portal.storage.endpoint}. */
    Optional<String> anchorEndpoint();

    /** Its access key id, if another than the portal's (secret: PORTAL_AUDIT_ANCHOR_ACCESS_KEY). */
    Optional<String> anchorAccessKey();

    /** Its secret access key, if another than the portal's (secret: PORTAL_AUDIT_ANCHOR_SECRET_KEY). */
    Optional<String> anchorSecretKey();

    /**
     * How long every anchor written is retained in COMPLIANCE mode: nobody can remove it or shorten this before it
     * ends. Longer than anything the anchor must prove (the interval between full verifications, an incident's
     * investigation).
     */
    @WithDefault("400d")
    Duration anchorRetention();

    /**
     * Whether the anchor must be kept under object lock: then the portal does not start unless
     * {@code anchor-bucket} is versioned with object lock enabled. True in production; false where the local store
     * has no object lock (S3Proxy), which only warns.
     */
    @WithDefault("true")
    boolean anchorObjectLock();

    /** The portal's audit source id in exported audit messages (DICOM AuditSourceID, FHIR source.observer). */
    @WithDefault("image-portal")
    String sourceId();

    /** The enterprise site the portal serves (DICOM AuditEnterpriseSiteID, FHIR source.site), if named. */
    Optional<String> site();
}
