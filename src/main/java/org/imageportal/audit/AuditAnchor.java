package org.imageportal.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.imageportal.storage.ObjectKey;
import org.imageportal.storage.ObjectStore;
import org.imageportal.storage.RetainedBucket;
import org.imageportal.storage.StorageConfig;
import org.imageportal.storage.StorageException;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.json.JsonObject;

/**
 * The chain's head kept outside the database, in the object store: the highest position and its hash when last
 * anchored. A trail that ends before the anchored position, or holds a different hash there, was cut or rewritten.
 * The anchor carries an HMAC-SHA256 under a key that lives only in the secret store ({@code portal.audit.anchor-key}),
 * so whoever can write to the database or the bucket cannot forge one that matches a rewritten trail.
 * <p>
 * Each anchor is a new version in a bucket under object lock ({@code portal.audit.anchor-bucket}), retained in
 * COMPLIANCE mode, so a signature alone no longer has to prove that an anchor is the newest: a genuine older anchor
 * put back on top, a delete marker or an unsigned version cannot remove the anchors before it. The anchor read is the
 * highest signed one in the whole history; what lies on top of it, if anything else, is named ({@link Cover}).
 * Versions never change, so each is read once: after the first read only the versions added since are fetched.
 * Without an anchor bucket (a local store without object lock) the anchor is one plain object, as a warning says.
 * Blocking.
 */
@ApplicationScoped
class AuditAnchor {

    private static final Logger LOG = Logger.getLogger(AuditAnchor.class);

    /** A fixed, opaque name: the same for every portal instance sharing the bucket. */
    static final ObjectKey KEY = key();

    /** What lies on top of the highest signed anchor in the bucket's history. */
    enum Cover {
        /** Nothing: the newest version is that anchor (or one equal to it). */
        NONE,
        /** A genuine older anchor, put back as the newest version. */
        OLDER,
        /** A version without the portal's signature (or not an anchor at all). */
        FORGED,
        /** A delete marker. */
        DELETED
    }

    /**
     * What was anchored; {@code signed} is false when the stored signature does not match (a forged anchor), and
     * {@code legacy} when the anchor carries no signature at all (written before anchors were signed).
     */
    record Head(long seq, String hash, Instant at, boolean signed, boolean legacy, Cover cover) {

        Head(long seq, String hash, Instant at) {
            this(seq, hash, at, true, false, Cover.NONE);
        }

        Head(long seq, String hash, Instant at, boolean signed, boolean legacy) {
            this(seq, hash, at, signed, legacy, Cover.NONE);
        }

        Head covered(Cover by) {
            return new Head(seq, hash, at, signed, legacy, by);
        }
    }

    /** Where anchors go: the locked bucket, the plain object, or not known until the bucket has answered. */
    private enum Mode {
        LOCKED, PLAIN, UNCONFIRMED
    }

    private final ObjectStore store;
    private final RetainedBucket bucket;
    private final boolean lockRequired;
    private final Duration retention;
    private final byte[] key;
    private volatile Mode mode;

    /** The history read so far: its newest version, that version as read, and the highest signed anchor. */
    private String newestSeen;
    private Head newest;
    private Head best;

    AuditAnchor(ObjectStore store, AuditConfig config, StorageConfig storage) {
        this.store = store;
        this.key = Base64.getDecoder().decode(config.anchorKey().strip());
        if (key.length < 32) {
            throw new IllegalArgumentException("portal.audit.anchor-key must be at least 32 random bytes (base64)");
        }
        this.lockRequired = config.anchorObjectLock();
        this.retention = config.anchorRetention();
        if (retention.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("portal.audit.anchor-retention must be at least a day");
        }
        if (config.anchorBucket().isEmpty()) {
            if (lockRequired) {
                throw new IllegalArgumentException("portal.audit.anchor-bucket must name a bucket with object lock "
                        + "(portal.audit.anchor-object-lock is true)");
            }
            this.bucket = null;
            this.mode = Mode.PLAIN;
        } else {
            this.bucket = new RetainedBucket(config.anchorEndpoint().orElse(storage.endpoint()), storage.region(),
                    config.anchorAccessKey().orElse(storage.accessKey()),
                    config.anchorSecretKey().orElse(storage.secretKey()), config.anchorBucket().get());
            this.mode = Mode.UNCONFIRMED;
        }
    }

    /**
     * At start: a bucket without versioning and object lock stops the portal where the lock is required; one that
     * does not answer yet leaves readiness down ({@link AuditAnchorHealthCheck}) until it does.
     */
    void checkAtStart(@Observes StartupEvent started) {
        if (bucket == null) {
            LOG.warn("the audit anchor is a plain object in the portal's bucket (no portal.audit.anchor-bucket): "
                    + "whoever administers the bucket can roll it back or delete it; use a bucket with object lock "
                    + "in production");
            return;
        }
        try {
            confirm();
        } catch (StorageException e) {
            LOG.warnf("the audit anchor's bucket is not reachable at start (%s); readiness stays down until it is",
                    e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        }
    }

    /** Whether anchors can be written where they belong (the locked bucket answered, or none is configured). */
    boolean ready() {
        if (mode == Mode.UNCONFIRMED) {
            confirm();
        }
        return mode != Mode.UNCONFIRMED;
    }

    /** Whether anchors are kept as versions under object lock. */
    boolean locked() {
        return ready() && mode == Mode.LOCKED;
    }

    /** The locked bucket (for checks of what it holds), if anchors go to one. */
    Optional<RetainedBucket> bucket() {
        return mode == Mode.LOCKED ? Optional.of(bucket) : Optional.empty();
    }

    private synchronized void confirm() {
        if (mode != Mode.UNCONFIRMED) {
            return;
        }
        RetainedBucket.Protection protection = bucket.ensure();
        if (protection.locked()) {
            mode = Mode.LOCKED;
            return;
        }
        String what = "the audit anchor's bucket " + bucket.name() + " is not under object lock (versioning "
                + (protection.versioning() ? "enabled" : "off") + ", object lock "
                + (protection.objectLock() ? "enabled" : "off") + ")";
        if (lockRequired) {
            throw new IllegalStateException(what + ": portal.audit.anchor-bucket must name a versioned bucket "
                    + "created with object lock enabled");
        }
        LOG.warnf("%s; the anchor is a plain object in the portal's bucket, which can be rolled back or deleted",
                what);
        mode = Mode.PLAIN;
    }

    @jakarta.annotation.PreDestroy
    void close() {
        if (bucket != null) {
            bucket.close();
        }
    }

    void write(Head head) {
        JsonObject json = new JsonObject().put("seq", head.seq()).put("hash", head.hash())
                .put("at", head.at().toString()).put("mac", mac(head.seq(), head.hash(), head.at().toString()));
        byte[] content = json.encode().getBytes(StandardCharsets.UTF_8);
        if (!ready()) {
            throw new IllegalStateException("the audit anchor's bucket has not answered yet");
        }
        if (mode == Mode.LOCKED) {
            // retained by the store's clock: counted from real time, not the portal's (which tests may move)
            bucket.putRetained(KEY, content, Instant.now().plus(retention));
        } else {
            store.put(KEY, content);
        }
    }

    Optional<Head> read() {
        if (!ready()) {
            throw new IllegalStateException("the audit anchor's bucket has not answered yet");
        }
        return mode == Mode.LOCKED ? readHistory() : readPlain();
    }

    /** The highest signed anchor of the bucket's history, with what covers it; the new versions only are read. */
    private synchronized Optional<Head> readHistory() {
        List<RetainedBucket.Version> fresh = bucket.history(KEY, newestSeen);
        for (int i = fresh.size() - 1; i >= 0; i--) { // oldest first: of equal anchors the newest counts
            RetainedBucket.Version version = fresh.get(i);
            Head read = version.deleteMarker() ? null : parse(bucket.read(KEY, version.id()));
            if (read != null && read.signed() && (best == null || read.seq() >= best.seq())) {
                best = read;
            }
            newest = read;
            newestSeen = version.id();
        }
        if (newestSeen == null) {
            // nothing in the bucket yet: the plain anchor from before the lock, until the first locked anchoring
            return readPlain();
        }
        if (best == null) {
            // no anchor of the portal's anywhere: a delete marker is no anchor, a version is forged (or legacy)
            return Optional.ofNullable(newest);
        }
        Cover cover;
        if (newest == null) {
            cover = Cover.DELETED;
        } else if (!newest.signed()) {
            cover = Cover.FORGED;
        } else if (newest.seq() < best.seq()) {
            cover = Cover.OLDER;
        } else {
            cover = Cover.NONE;
        }
        if (cover != Cover.NONE) {
            LOG.errorf("the audit anchor's newest version is not the portal's newest anchor (%s on top of entry %d)",
                    cover, best.seq());
        }
        return Optional.of(best.covered(cover));
    }

    private Optional<Head> readPlain() {
        if (!store.exists(KEY)) {
            return Optional.empty();
        }
        try (InputStream in = store.get(KEY)) {
            return Optional.of(parse(in.readAllBytes()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Head parse(byte[] content) {
        try {
            JsonObject json = new JsonObject(new String(content, StandardCharsets.UTF_8));
            long seq = json.getLong("seq");
            String hash = json.getString("hash");
            String at = json.getString("at");
            String stored = json.getString("mac");
            boolean signed = stored != null && MessageDigest.isEqual(
                    stored.getBytes(StandardCharsets.US_ASCII), mac(seq, hash, at).getBytes(StandardCharsets.US_ASCII));
            return new Head(seq, hash, Instant.parse(at), signed, stored == null);
        } catch (RuntimeException e) {
            // not even readable as an anchor: as untrustworthy as a wrong signature
            return new Head(-1, "", Instant.EPOCH, false, false);
        }
    }

    private String mac(long seq, String hash, String at) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] text = ("portal audit anchor\n" + seq + "\n" + hash + "\n" + at).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(hmac.doFinal(text));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing from the JDK", e);
        }
    }

    private static ObjectKey key() {
        String id = UUID.nameUUIDFromBytes("portal audit chain anchor".getBytes(StandardCharsets.UTF_8)).toString();
        return new ObjectKey("audit/" + id.substring(0, 2) + "/" + id);
    }
}
