package org.imageportal.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.audit.AuditAnchor.Head;
import org.imageportal.audit.AuditChainService.AnchorState;
import org.imageportal.audit.AuditChainService.Verification;
import org.imageportal.storage.RetainedBucket;
import org.imageportal.storage.StorageException;
import org.imageportal.studies.Dicomweb;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * The anchor under S3 object lock, on a store that enforces it (Ceph's RGW, started by {@code infra/portal test}):
 * every anchor is a retained version nobody can remove, and neither an older anchor put back on top, nor a delete
 * marker, nor an unsigned version moves the head backwards or hides it; each is named, then covered again by the
 * next anchoring.
 */
@QuarkusTest
class AuditAnchorLockTest {

    @Inject
    AuditChainService chain;

    @Inject
    AuditAnchor anchors;

    @Inject
    AuditTrail trail;

    @Inject
    DataSource db;

    private RetainedBucket bucket() {
        assertThat(anchors.locked()).as("the anchor's bucket is under object lock (PORTAL_AUDIT_ANCHOR_*)").isTrue();
        return anchors.bucket().orElseThrow();
    }

    /** An entry written, then the head anchored. */
    private Head anchorNewHead() {
        trail.record("system", "test.entry", "success", "audit", Map.of()).await().indefinitely();
        Head head = chain.anchor().await().indefinitely();
        assertThat(head).as("anchored (no other anchoring running)").isNotNull();
        return head;
    }

    private Verification verify() {
        return chain.verify().await().indefinitely();
    }

    private long seqOf(byte[] anchor) {
        return new JsonObject(new String(anchor, StandardCharsets.UTF_8)).getLong("seq");
    }

    private String lastRestoreFound() throws Exception {
        return Dicomweb.queryString(db, "SELECT detail->>'found' FROM portal.audit_event WHERE action = ? "
                + "AND outcome = 'restored' ORDER BY seq DESC LIMIT 1", "audit.anchor");
    }

    private void assertAnchoringCoversItAgain(Head head) {
        Head restored = chain.anchor().await().indefinitely();
        assertThat(restored.seq()).isGreaterThanOrEqualTo(head.seq());
        Verification after = verify();
        assertThat(after.anchor().state()).isEqualTo(AnchorState.MATCHES);
        assertThat(after.intact()).isTrue();
    }

    @Test
    void anAnchorIsRetainedAndTheStoreRefusesToDeleteIt() {
        Head head = anchorNewHead();
        RetainedBucket bucket = bucket();
        RetainedBucket.Version newest = bucket.history(AuditAnchor.KEY, null).getFirst();
        assertThat(newest.deleteMarker()).isFalse();
        assertThat(seqOf(bucket.read(AuditAnchor.KEY, newest.id()))).isEqualTo(head.seq());
        assertThatThrownBy(() -> bucket.deleteVersion(AuditAnchor.KEY, newest.id()))
                .isInstanceOf(StorageException.class).cause().hasMessageContaining("403 AccessDenied");
        assertThat(bucket.history(AuditAnchor.KEY, null)).extracting(RetainedBucket.Version::id)
                .contains(newest.id());
    }

    @Test
    void anOlderAnchorPutBackOnTopDoesNotMoveTheHeadBackwardsAndIsNamed() throws Exception {
        Head older = anchorNewHead();
        RetainedBucket bucket = bucket();
        byte[] olderAnchor = bucket.read(AuditAnchor.KEY, bucket.history(AuditAnchor.KEY, null).getFirst().id());
        Head newer = anchorNewHead();
        assertThat(newer.seq()).isGreaterThan(older.seq());
        // the genuine older anchor, put back as the newest version by someone with write rights to the bucket
        bucket.put(AuditAnchor.KEY, olderAnchor);
        assertThat(seqOf(bucket.read(AuditAnchor.KEY, bucket.history(AuditAnchor.KEY, null).getFirst().id())))
                .isEqualTo(older.seq());

        Verification v = verify();
        assertThat(v.anchor().state()).isEqualTo(AnchorState.ROLLED_BACK);
        assertThat(v.anchor().seq()).as("still the newest anchor").isEqualTo(newer.seq());
        assertThat(v.intact()).isFalse();
        assertAnchoringCoversItAgain(newer);
        assertThat(lastRestoreFound()).isEqualTo("ROLLED_BACK");
    }

    @Test
    void aDeletedAnchorIsMissingYetStillReadFromItsRetainedVersion() throws Exception {
        Head head = anchorNewHead();
        RetainedBucket bucket = bucket();
        bucket.delete(AuditAnchor.KEY);
        assertThat(bucket.history(AuditAnchor.KEY, null).getFirst().deleteMarker()).isTrue();

        Verification v = verify();
        assertThat(v.anchor().state()).isEqualTo(AnchorState.MISSING);
        assertThat(v.anchor().seq()).as("read from the retained version under the marker").isEqualTo(head.seq());
        assertThat(v.anchor().hash()).isEqualTo(head.hash());
        assertThat(v.intact()).isFalse();
        assertAnchoringCoversItAgain(head);
        assertThat(lastRestoreFound()).isEqualTo("MISSING");
    }

    @Test
    void aForgedAnchorIsRefused() throws Exception {
        Head head = anchorNewHead();
        RetainedBucket bucket = bucket();
        // a head far beyond the trail, and one without any signature, by someone without the signing key
        String wrongMac = new JsonObject().put("seq", head.seq() + 1000).put("hash", "00".repeat(32))
                .put("at", Instant.now().toString()).put("mac", "00".repeat(32)).encode();
        String noMac = new JsonObject().put("seq", head.seq() + 2000).put("hash", "00".repeat(32))
                .put("at", Instant.now().toString()).encode();
        for (String forged : List.of(wrongMac, noMac, "not json")) {
            bucket.putRetained(AuditAnchor.KEY, forged.getBytes(StandardCharsets.UTF_8),
                    Instant.now().plusSeconds(3600));
            Verification v = verify();
            assertThat(v.anchor().state()).as(forged).isEqualTo(AnchorState.FORGED);
            assertThat(v.anchor().seq()).as("the portal's own anchor, not the forged one").isEqualTo(head.seq());
            assertThat(v.intact()).isFalse();
        }
        assertAnchoringCoversItAgain(head);
        assertThat(verify().anchor().seq()).isLessThan(head.seq() + 1000);
        assertThat(lastRestoreFound()).isEqualTo("FORGED");
    }

    @Test
    void anchoringsAtOnceNeverMoveTheAnchorBackwards() {
        Head first = anchorNewHead();
        RetainedBucket bucket = bucket();
        String start = bucket.history(AuditAnchor.KEY, null).getFirst().id();
        // what a second instance that verified a moment earlier would write: not written at all
        assertThat(chain.store(new Head(first.seq() - 1, "00".repeat(32), Instant.now())).await().indefinitely()
                .seq()).isEqualTo(first.seq());
        assertThat(bucket.history(AuditAnchor.KEY, start)).isEmpty();

        List<Uni<Object>> runs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            trail.record("system", "test.entry", "success", "audit", Map.of()).await().indefinitely();
            runs.add(chain.anchor().map(head -> (Object) head));
            runs.add(chain.extendAnchor().map(checked -> (Object) checked));
        }
        Uni.join().all(runs).andCollectFailures().await().indefinitely();
        chain.extendAnchor().await().indefinitely();

        List<RetainedBucket.Version> written = bucket.history(AuditAnchor.KEY, start).reversed();
        assertThat(written).as("anchorings happened").isNotEmpty();
        long previous = first.seq();
        for (RetainedBucket.Version version : written) {
            long seq = seqOf(bucket.read(AuditAnchor.KEY, version.id()));
            assertThat(seq).as("each version at or after the one before it").isGreaterThanOrEqualTo(previous);
            previous = seq;
        }
        Verification v = verify();
        assertThat(v.anchor().state()).isEqualTo(AnchorState.MATCHES);
        assertThat(v.anchor().seq()).isEqualTo(previous);
        assertThat(v.intact()).isTrue();
    }
}
