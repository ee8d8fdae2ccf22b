package org.imageportal.disclosures.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.storage.ObjectKey;
import org.imageportal.storage.ObjectStore;

import io.vertx.core.json.JsonObject;

/**
 * The chain's head kept outside the database, in the object store: the highest position and its hash when last
 * anchored. A trail that ends before the anchored position, or holds a different hash there, was cut or rewritten.
 * (In production the bucket should keep versions under object lock, so that the anchor itself cannot be rolled
 * back by whoever can write to the store.) Blocking.
 */
@ApplicationScoped
class AuditAnchor {

    /** A fixed, opaque name: the same for every portal instance sharing the bucket. */
    static final ObjectKey KEY = key();

    /** What was anchored. */
    record Head(long seq, String hash, Instant at) {
    }

    private final ObjectStore store;

    AuditAnchor(ObjectStore store) {
        this.store = store;
    }

    void write(Head head) {
        JsonObject json = new JsonObject().put("seq", head.seq()).put("hash", head.hash())
                .put("at", head.at().toString());
        store.put(KEY, json.encode().getBytes(StandardCharsets.UTF_8));
    }

    Optional<Head> read() {
        if (!store.exists(KEY)) {
            return Optional.empty();
        }
        try (InputStream in = store.get(KEY)) {
            JsonObject json = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return Optional.of(new Head(json.getLong("seq"), json.getString("hash"), Instant.parse(json.getString(
                    "at"))));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ObjectKey key() {
        String id = UUID.nameUUIDFromBytes("portal audit chain anchor".getBytes(StandardCharsets.UTF_8)).toString();
        return new ObjectKey("audit/" + id.substring(0, 2) + "/" + id);
    }
}
