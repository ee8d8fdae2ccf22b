package org.imageportal.disclosures.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.storage.ObjectKey;
import org.imageportal.storage.ObjectStore;

import io.vertx.core.json.JsonObject;

/**
 * The chain's head kept outside the database, in the object store: the highest position and its hash when last
 * anchored. A trail that ends before the anchored position, or holds a different hash there, was cut or rewritten.
 * The anchor carries an HMAC-SHA256 under a key that lives only in the secret store ({@code portal.audit.anchor-key}),
 * so whoever can write to the database or the bucket cannot forge one that matches a rewritten trail. (In production
 * the bucket should also keep versions under object lock, so that a genuine older anchor cannot be put back.)
 * Blocking.
 */
@ApplicationScoped
class AuditAnchor {

    /** A fixed, opaque name: the same for every portal instance sharing the bucket. */
    static final ObjectKey KEY = key();

    /**
     * What was anchored; {@code signed} is false when the stored signature does not match (a forged anchor), and
     * {@code legacy} when the anchor carries no signature at all (written before anchors were signed).
     */
    record Head(long seq, String hash, Instant at, boolean signed, boolean legacy) {

        Head(long seq, String hash, Instant at) {
            this(seq, hash, at, true, false);
        }
    }

    private final ObjectStore store;
    private final byte[] key;

    AuditAnchor(ObjectStore store, AuditConfig config) {
        this.store = store;
        this.key = Base64.getDecoder().decode(config.anchorKey().strip());
        if (key.length < 32) {
            throw new IllegalArgumentException("portal.audit.anchor-key must be at least 32 random bytes (base64)");
        }
    }

    void write(Head head) {
        JsonObject json = new JsonObject().put("seq", head.seq()).put("hash", head.hash())
                .put("at", head.at().toString()).put("mac", mac(head.seq(), head.hash(), head.at().toString()));
        store.put(KEY, json.encode().getBytes(StandardCharsets.UTF_8));
    }

    Optional<Head> read() {
        if (!store.exists(KEY)) {
            return Optional.empty();
        }
        try (InputStream in = store.get(KEY)) {
            JsonObject json = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            long seq = json.getLong("seq");
            String hash = json.getString("hash");
            String at = json.getString("at");
            String stored = json.getString("mac");
            boolean signed = stored != null && MessageDigest.isEqual(
                    stored.getBytes(StandardCharsets.US_ASCII), mac(seq, hash, at).getBytes(StandardCharsets.US_ASCII));
            return Optional.of(new Head(seq, hash, Instant.parse(at), signed, stored == null));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (RuntimeException e) {
            // not even readable as an anchor: as untrustworthy as a wrong signature
            return Optional.of(new Head(-1, "", Instant.EPOCH, false, false));
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
