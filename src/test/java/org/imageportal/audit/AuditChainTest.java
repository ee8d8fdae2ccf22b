package org.imageportal.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.support.DbOwner;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The audit trail is a hash chain the portal recomputes on its own: an entry altered in the database is named, a
 * tail cut off is caught by the anchor kept in the object store, and the portal's database role cannot change or
 * remove entries at all. Here the anchor is one plain object (as where the store has no object lock); under object
 * lock see {@link AuditAnchorLockTest}.
 */
@QuarkusTest
@io.quarkus.test.junit.TestProfile(PlainAnchorProfile.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditChainTest {

    /** The portal's own database role. */
    @Inject
    DataSource db;

    @Inject
    AuditTrail trail;

    @Inject
    AuditChainService chain;

    @Inject
    AuditAnchor anchors;

    @Inject
    org.imageportal.storage.ObjectStore store;

    String officer;
    String patient;

    @BeforeAll
    void setUp() {
        // the suite's other tests anchored in the locked bucket: the plain object starts from the trail's head
        AuditChainService.Verification v = chain.verify().await().indefinitely();
        if (v.anchor().state() == AuditChainService.AnchorState.MISSING) {
            anchors.write(new AuditAnchor.Head(v.headSeq(), v.headHash(), java.time.Instant.now()));
        }
        officer = TestRealm.mfaToken(TestRealm.createUser("privacy-officer"));
        patient = TestRealm.mfaToken(TestRealm.createUser("patient"));
    }

    private JsonPath verify() {
        return given().auth().oauth2(officer).get("/api/audit/verify").then().statusCode(200).extract().jsonPath();
    }

    /** Entries whose text needs every escape the canonical form has, written by the portal itself. */
    private void writeAwkwardEntries() {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("reason", "quote \" backslash \\ newline \n tab \t bell \u0007 é 日本 \uD83D\uDE00");
        detail.put("nested", Map.of("list", List.of(1, 2.5, true, "x"), "empty", Map.of()));
        detail.put("zz", 12345678901L);
        trail.record("actor \"with\" quotes\r\n", "test.awkward", "success", null, detail).await().indefinitely();
        trail.record("plain", "test.plain", "success", "study:1", Map.of()).await().indefinitely();
    }

    @Test
    void theChainVerifiesAndTheVerificationIsItselfAudited() throws Exception {
        writeAwkwardEntries();
        JsonPath v = verify();
        assertThat(v.getBoolean("intact")).isTrue();
        assertThat(v.getLong("entries")).isGreaterThanOrEqualTo(2);
        assertThat(v.getString("firstBroken")).isNull();
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s
                        .executeQuery("SELECT action, outcome FROM portal.audit_event ORDER BY id DESC LIMIT 1")) {
            r.next();
            assertThat(r.getString(1)).isEqualTo("audit.verify");
            assertThat(r.getString(2)).isEqualTo("intact");
        }
    }

    @Test
    void thePortalsRoleCanOnlyAddAndReadEntries() throws Exception {
        writeAwkwardEntries();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("UPDATE portal.audit_event SET outcome = 'x' WHERE seq = 1"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.executeUpdate("DELETE FROM portal.audit_event WHERE seq = 1"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.executeUpdate("TRUNCATE portal.audit_event"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            // an insert cannot choose its place or hashes: they stay empty until the sealer gives them
            try (ResultSet r = s.executeQuery("INSERT INTO portal.audit_event (actor, action, outcome, seq, prev_hash, "
                    + "hash) VALUES ('forger', 'test.forged', 'success', 1, '\\x00', '\\x00') "
                    + "RETURNING seq, prev_hash, hash")) {
                r.next();
                assertThat(r.getObject(1)).isNull();
                assertThat(r.getObject(2)).isNull();
                assertThat(r.getObject(3)).isNull();
            }
            // nor seal entries by hand: only the sealer's function may give positions
            assertThatThrownBy(() -> s.executeUpdate("UPDATE portal.audit_event SET seq = 1 WHERE seq IS NULL"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
        }
        assertThat(verify().getBoolean("intact")).isTrue();
        assertThat(Long.parseLong(org.imageportal.studies.Dicomweb.queryString(db,
                "SELECT count(*)::text FROM portal.audit_event WHERE action = ? AND seq IS NOT NULL", "test.forged")))
                .as("the forger's entry sealed into the chain in its own place").isPositive();
    }

    @Test
    void anOpenAuditedTransactionHoldsUpNoOtherAuditedWrite() throws Exception {
        String tag = "t" + System.nanoTime();
        String insert = "INSERT INTO portal.audit_event (actor, action, outcome, entity) VALUES (?, ?, 'success', 'audit')";
        try (Connection slow = db.getConnection(); Connection quick = db.getConnection()) {
            slow.setAutoCommit(false);
            try (PreparedStatement p = slow.prepareStatement(insert)) {
                p.setString(1, tag);
                p.setString(2, "test.slow");
                p.executeUpdate();
            }
            try (Statement s = quick.createStatement(); PreparedStatement p = quick.prepareStatement(insert)) {
                s.execute("SET statement_timeout = '3s'");
                p.setString(1, tag);
                p.setString(2, "test.quick");
                // appending used to wait for the other transaction's commit
                p.executeUpdate();
                // the sealer too goes on while the transaction is open (on this connection: the test's pool is small)
                s.execute("SELECT portal.audit_seal(1000000, true)");
                try (ResultSet r = s.executeQuery("SELECT seq FROM portal.audit_event WHERE actor = '" + tag
                        + "' AND action = 'test.quick'")) {
                    assertThat(r.next()).isTrue();
                    assertThat(r.getObject(1)).as("sealed while the other transaction is still open").isNotNull();
                }
            }
            slow.commit();
        }
        seal();
        assertThat(sealedAt(tag, "test.slow")).as("sealed after its commit, behind what was sealed before")
                .isGreaterThan(sealedAt(tag, "test.quick"));
        assertThat(verify().getBoolean("intact")).isTrue();
    }

    private Long sealedAt(String actor, String action) throws Exception {
        String seq = org.imageportal.studies.Dicomweb.queryString(db,
                "SELECT seq::text FROM portal.audit_event WHERE actor = ? AND action = '" + action + "'", actor);
        return seq == null || seq.isEmpty() ? null : Long.valueOf(seq);
    }

    @Test
    void anEntryAlteredInTheDatabaseIsNamed() throws Exception {
        writeAwkwardEntries();
        long seq;
        long id;
        String original;
        seal();
        try (Connection owner = DbOwner.connect(); Statement s = owner.createStatement()) {
            ResultSet r = s.executeQuery("SELECT seq, id, detail::text FROM portal.audit_event "
                    + "WHERE action = 'test.awkward' ORDER BY seq DESC LIMIT 1");
            r.next();
            seq = r.getLong(1);
            id = r.getLong(2);
            original = r.getString(3);
            try (PreparedStatement p = owner.prepareStatement(
                    "UPDATE portal.audit_event SET detail = detail || '{\"reason\": \"nothing to see\"}' WHERE id = ?")) {
                p.setLong(1, id);
                assertThat(p.executeUpdate()).isEqualTo(1);
            }
        }
        try {
            JsonPath v = verify();
            assertThat(v.getBoolean("intact")).isFalse();
            assertThat(v.getLong("firstBroken.seq")).isEqualTo(seq);
            assertThat(v.getLong("firstBroken.id")).isEqualTo(id);
            assertThat(v.getString("firstBroken.reason")).contains("changed");
            // a broken chain is not anchored
            given().auth().oauth2(officer).post("/api/audit/anchor").then().statusCode(409)
                    .contentType("application/problem+json");
        } finally {
            try (Connection owner = DbOwner.connect();
                    PreparedStatement p = owner.prepareStatement(
                            "UPDATE portal.audit_event SET detail = ?::jsonb WHERE id = ?")) {
                p.setString(1, original);
                p.setLong(2, id);
                p.executeUpdate();
            }
        }
        assertThat(verify().getBoolean("intact")).isTrue();
    }

    @Test
    void anEntryDeletedFromTheMiddleIsNamed() throws Exception {
        writeAwkwardEntries();
        List<Object[]> removed = new ArrayList<>();
        long seq;
        seal();
        try (Connection owner = DbOwner.connect(); Statement s = owner.createStatement()) {
            ResultSet r = s.executeQuery("SELECT max(seq) FROM portal.audit_event WHERE action = 'test.awkward'");
            r.next();
            seq = r.getLong(1);
            removed.addAll(rows(owner, seq, seq));
            s.executeUpdate("DELETE FROM portal.audit_event WHERE seq = " + seq);
        }
        try {
            JsonPath v = verify();
            assertThat(v.getBoolean("intact")).isFalse();
            assertThat(v.getLong("firstBroken.seq")).isEqualTo(seq + 1);
            assertThat(v.getString("firstBroken.reason")).contains("entries " + seq + " to " + seq + " are missing");
        } finally {
            restore(removed);
        }
        assertThat(verify().getBoolean("intact")).isTrue();
    }

    @Test
    void aTailCutOffIsCaughtByTheAnchorAndTheAnchorDoesNotMoveBack() throws Exception {
        writeAwkwardEntries();
        JsonPath anchored = given().auth().oauth2(officer).post("/api/audit/anchor").then().statusCode(200)
                .body("intact", equalTo(true)).body("anchor.state", equalTo("MATCHES")).extract().jsonPath();
        long anchoredSeq = anchored.getLong("anchor.seq");
        seal();
        List<Object[]> removed;
        try (Connection owner = DbOwner.connect(); Statement s = owner.createStatement()) {
            removed = rows(owner, anchoredSeq - 1, Long.MAX_VALUE);
            s.executeUpdate("DELETE FROM portal.audit_event WHERE seq >= " + (anchoredSeq - 1));
        }
        try {
            // what is left is a perfect chain; only the anchor shows entries are gone
            given().auth().oauth2(officer).get("/api/audit/verify").then().statusCode(200)
                    .body("intact", equalTo(false)).body("firstBroken", nullValue())
                    .body("anchor.state", equalTo("TRUNCATED"));
            given().auth().oauth2(officer).post("/api/audit/anchor").then().statusCode(409);
        } finally {
            // drop what was sealed onto the cut tail meanwhile (the verifications above), then put the tail back
            restore(removed, anchoredSeq - 1);
        }
        given().auth().oauth2(officer).get("/api/audit/verify").then().statusCode(200)
                .body("intact", equalTo(true)).body("anchor.state", equalTo("MATCHES"));
    }

    @Test
    void theScheduledAnchoringChecksOnlyWhatWasWrittenSinceTheAnchor() throws Exception {
        given().auth().oauth2(officer).post("/api/audit/anchor").then().statusCode(200)
                .body("anchor.state", equalTo("MATCHES"));
        writeAwkwardEntries();
        writeAwkwardEntries();
        long checked = chain.extendAnchor().await().indefinitely();
        long total = Long.parseLong(
                org.imageportal.studies.Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.audit_event "
                        + "WHERE seq > ?::bigint", "0"));
        assertThat(checked).as("the four entries written since the anchor, and whatever else came in meanwhile")
                .isGreaterThanOrEqualTo(4).isLessThan(total);
        long head = Long.parseLong(
                org.imageportal.studies.Dicomweb.queryString(db, "SELECT max(seq)::text FROM portal.audit_event "
                        + "WHERE seq > ?::bigint", "0"));
        assertThat(verify().getLong("anchor.seq")).as("the anchor moved forward").isGreaterThanOrEqualTo(head - 1);
        assertThat(chain.extendAnchor().await().indefinitely()).as("nothing new: nothing checked")
                .isLessThanOrEqualTo(2);
    }

    @Test
    void onlyThePrivacyOfficerAndAdministratorVerify() {
        given().get("/api/audit/verify").then().statusCode(401);
        given().auth().oauth2(patient).get("/api/audit/verify").then().statusCode(403);
        given().auth().oauth2(patient).post("/api/audit/anchor").then().statusCode(403);
    }

    @Test
    void aTrailAnchoredWhileStillEmptyVerifiesAndTheAnchorMovesOn() {
        // what a new installation's first anchoring writes: the genesis, before any entry exists
        anchors.write(new AuditAnchor.Head(0, AuditChain.hex(AuditChain.GENESIS), java.time.Instant.now()));
        try {
            verify();
            given().auth().oauth2(officer).get("/api/audit/verify").then().statusCode(200)
                    .body("intact", equalTo(true)).body("anchor.state", equalTo("MATCHES"));
            long checked = chain.extendAnchor().await().indefinitely();
            assertThat(checked).as("every entry since the genesis checked").isPositive();
            assertThat(verify().getLong("anchor.seq")).isPositive();
        } finally {
            chain.anchor().await().indefinitely();
        }
    }

    @Test
    void anAnchorWithoutThePortalsSignatureIsForged() {
        JsonPath anchored = given().auth().oauth2(officer).post("/api/audit/anchor").then().statusCode(200)
                .extract().jsonPath();
        // the head exactly as it is, written by someone without the signing key
        String unsigned = new io.vertx.core.json.JsonObject().put("seq", anchored.getLong("anchor.seq"))
                .put("hash", anchored.getString("anchor.hash")).put("at", java.time.Instant.now().toString())
                .put("mac", "00".repeat(32)).encode();
        store.put(AuditAnchor.KEY, unsigned.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
            given().auth().oauth2(officer).get("/api/audit/verify").then().statusCode(200)
                    .body("intact", equalTo(false)).body("anchor.state", equalTo("FORGED"));
            given().auth().oauth2(officer).post("/api/audit/anchor").then().statusCode(409);
            // without any signature, as anchors were before they were signed: not once a signed one was made
            store.put(AuditAnchor.KEY, new io.vertx.core.json.JsonObject().put("seq", anchored.getLong("anchor.seq"))
                    .put("hash", anchored.getString("anchor.hash")).put("at", java.time.Instant.now().toString())
                    .encode().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            given().auth().oauth2(officer).get("/api/audit/verify").then().statusCode(200)
                    .body("intact", equalTo(false)).body("anchor.state", equalTo("FORGED"));
            store.put(AuditAnchor.KEY, "not json".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            given().auth().oauth2(officer).get("/api/audit/verify").then().statusCode(200)
                    .body("intact", equalTo(false)).body("anchor.state", equalTo("FORGED"));
        } finally {
            anchors.write(new AuditAnchor.Head(anchored.getLong("anchor.seq"), anchored.getString("anchor.hash"),
                    java.time.Instant.now()));
        }
        given().auth().oauth2(officer).get("/api/audit/verify").then().statusCode(200)
                .body("intact", equalTo(true)).body("anchor.state", equalTo("MATCHES"));
    }

    @Test
    void aDeletedAnchorIsNoticedOnceOneWasMade() {
        JsonPath anchored = given().auth().oauth2(officer).post("/api/audit/anchor").then().statusCode(200)
                .extract().jsonPath();
        store.delete(AuditAnchor.KEY);
        try {
            given().auth().oauth2(officer).get("/api/audit/verify").then().statusCode(200)
                    .body("intact", equalTo(false)).body("anchor.state", equalTo("MISSING"));
            given().auth().oauth2(officer).post("/api/audit/anchor").then().statusCode(409);
        } finally {
            anchors.write(new AuditAnchor.Head(anchored.getLong("anchor.seq"), anchored.getString("anchor.hash"),
                    java.time.Instant.now()));
        }
    }

    @Test
    void anOlderHeadNeverReplacesANewerAnchor() {
        writeAwkwardEntries();
        AuditAnchor.Head newer = chain.anchor().await().indefinitely();
        AuditAnchor.Head older = new AuditAnchor.Head(newer.seq() - 1, "00".repeat(32), java.time.Instant.now());
        // what a second instance that verified a moment earlier would write
        assertThat(chain.store(older).await().indefinitely().seq()).isEqualTo(newer.seq());
        assertThat(anchors.read().orElseThrow().seq()).isEqualTo(newer.seq());
        // anchorings from many callers at once: the anchor ends at the newest head any of them saw
        List<io.smallrye.mutiny.Uni<Long>> runs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            writeAwkwardEntries();
            runs.add(chain.extendAnchor());
        }
        io.smallrye.mutiny.Uni.join().all(runs).andCollectFailures().await().indefinitely();
        chain.extendAnchor().await().indefinitely();
        given().auth().oauth2(officer).get("/api/audit/verify").then().statusCode(200)
                .body("intact", equalTo(true)).body("anchor.state", equalTo("MATCHES"));
    }

    private static List<Object[]> rows(Connection owner, long fromSeq, long toSeq) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        try (PreparedStatement p = owner.prepareStatement("SELECT id, at, actor, action, outcome, entity, "
                + "detail::text, seq, prev_hash, hash FROM portal.audit_event WHERE seq BETWEEN ? AND ? ORDER BY seq")) {
            p.setLong(1, fromSeq);
            p.setLong(2, toSeq);
            ResultSet r = p.executeQuery();
            while (r.next()) {
                Object[] row = new Object[10];
                for (int i = 0; i < 10; i++) {
                    row[i] = r.getObject(i + 1);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** Seals what was appended up to now, as readers of chain positions do. */
    private void seal() throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT portal.audit_seal(1000000, true)");
        }
    }

    private static void restore(List<Object[]> rows) throws SQLException {
        restore(rows, Long.MAX_VALUE);
    }

    /**
     * Removes the sealed entries from {@code dropFromSeq} on and puts rows back exactly as they were, holding the
     * sealer's lock so that nothing is sealed in between (the trigger that empties chain columns off inside this
     * transaction only).
     */
    private static void restore(List<Object[]> rows, long dropFromSeq) throws SQLException {
        try (Connection owner = DbOwner.connect()) {
            owner.setAutoCommit(false);
            try (Statement s = owner.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(7308912431)");
                s.executeUpdate("DELETE FROM portal.audit_event WHERE seq >= " + dropFromSeq);
                s.execute("ALTER TABLE portal.audit_event DISABLE TRIGGER audit_chain");
                try (PreparedStatement p = owner.prepareStatement("INSERT INTO portal.audit_event (id, at, actor, "
                        + "action, outcome, entity, detail, seq, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)")) {
                    for (Object[] row : rows) {
                        for (int i = 0; i < row.length; i++) {
                            p.setObject(i + 1, row[i]);
                        }
                        p.executeUpdate();
                    }
                }
                s.execute("ALTER TABLE portal.audit_event ENABLE TRIGGER audit_chain");
            }
            owner.commit();
        }
    }
}
