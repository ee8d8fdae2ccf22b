package org.imageportal.sharing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.sql.Connection;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.AdjustableClock;
import org.imageportal.support.DbOwner;
import org.imageportal.support.Physicians;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Grants to registered physicians: physician X with a grant sees the study, Y does not, and after revocation or
 * expiry X does not either; every release to X writes a disclosure row in the release's transaction, and when
 * that row cannot be written nothing is released.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrantTest {

    @Inject
    DataSource db;

    @Inject
    AdjustableClock clock;

    TestRealm.User patientUser;
    String patient;
    String otherPatient;
    String frontdesk;
    TestRealm.User xUser;
    String x;
    String y;
    String xId;
    String yId;
    final TestDicom.Patient mine = TestDicom.Patient.random();
    final TestDicom.Patient theirs = TestDicom.Patient.random();
    final TestDicom mineStudy = TestDicom.ct(mine).seed(81);
    final TestDicom theirStudy = TestDicom.ct(theirs).seed(82);
    String mineId;
    String theirId;

    @BeforeAll
    void setUp() {
        patientUser = TestRealm.createUser("patient");
        patient = TestRealm.mfaToken(patientUser);
        TestRealm.User other = TestRealm.createUser("patient");
        otherPatient = TestRealm.mfaToken(other);
        frontdesk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
        xUser = TestRealm.createUser("provider");
        x = TestRealm.mfaToken(xUser);
        TestRealm.User yUser = TestRealm.createUser("provider");
        y = TestRealm.mfaToken(yUser);
        otherUser = other;
        yAccount = yUser;
    }

    TestRealm.User otherUser;
    TestRealm.User yAccount;

    @BeforeEach
    void data() throws Exception {
        if (mineId != null) {
            return;
        }
        Dicomweb.stow(TestRealm.ingestToken(), List.of(mineStudy.bytes(), theirStudy.bytes())).then().statusCode(200);
        Dicomweb.linkAccount(db, mine.id(), patientUser.id());
        Dicomweb.linkAccount(db, theirs.id(), otherUser.id());
        mineId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?",
                mineStudy.studyUid());
        theirId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?",
                theirStudy.studyUid());
        xId = registerPhysician(xUser, "Xavier Xu");
        yId = registerPhysician(yAccount, "Yvonne Yates");
    }

    private String registerPhysician(TestRealm.User user, String name) throws Exception {
        return Physicians.register(db, user, name, "Lakeside Cardiology");
    }

    /** A new study of the patient's, so that each test's grants are its own. */
    private record Study(TestDicom dicom, String id) {
    }

    private Study ownStudy() throws Exception {
        TestDicom dicom = TestDicom.ct(mine).seed(System.nanoTime());
        Dicomweb.stow(TestRealm.ingestToken(), List.of(dicom.bytes())).then().statusCode(200);
        return new Study(dicom, Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?",
                dicom.studyUid()));
    }

    private Response share(String token, Map<String, Object> body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body).post("/api/sharing/grants");
    }

    private Map<String, Object> grantOf(String study, String provider) {
        Map<String, Object> body = new HashMap<>();
        body.put("studyId", study);
        body.put("providerId", provider);
        body.put("purpose", "TREATMENT");
        return body;
    }

    private int metadata(String token, TestDicom study) {
        return given().auth().oauth2(token).get("/dicomweb/studies/" + study.studyUid() + "/metadata").statusCode();
    }

    private String disclosures(String grant) throws Exception {
        return Dicomweb.queryString(db, "SELECT count(*) FROM portal.disclosure WHERE basis = ?", "grant:" + grant);
    }

    @Test
    void physicianXWithAGrantSeesTheStudyYDoesNotAndAfterRevocationXDoesNot() throws Exception {
        Study own = ownStudy();
        TestDicom mineStudy = own.dicom();
        String mineId = own.id();
        Response granted = share(patient, grantOf(mineId, xId));
        granted.then().statusCode(201).body("state", org.hamcrest.Matchers.equalTo("active"));
        String grant = granted.jsonPath().getString("id");

        given().auth().oauth2(x).get("/api/sharing/shared-with-me").then().statusCode(200)
                .body("studyId", hasItem(mineId));
        given().auth().oauth2(x).get("/dicomweb/studies?StudyInstanceUID=" + mineStudy.studyUid()).then()
                .statusCode(200).body("size()", org.hamcrest.Matchers.is(1));
        assertThat(metadata(x, mineStudy)).isEqualTo(200);
        assertThat(metadata(y, mineStudy)).isEqualTo(404);
        assertThat(metadata(x, theirStudy)).isEqualTo(404);
        Response none = given().auth().oauth2(y).get("/dicomweb/studies?StudyInstanceUID=" + mineStudy.studyUid());
        assertThat(none.statusCode()).isIn(200, 204);
        assertThat(none.asString()).doesNotContain(mineStudy.studyUid());

        // the release to X is a disclosure: recipient, purpose, what, under which grant
        assertThat(disclosures(grant)).isEqualTo("1");
        assertThat(Dicomweb.queryString(db, "SELECT recipient_name || '|' || purpose || '|' || action || '|' || "
                + "(description->>'instances') FROM portal.disclosure WHERE basis = ?", "grant:" + grant))
                .isEqualTo("Xavier Xu|TREATMENT|VIEW|1");
        given().auth().oauth2(patient).get("/api/sharing/grants").then().statusCode(200)
                .body("find { it.id == '" + grant + "' }.opens", org.hamcrest.Matchers.is(1));
        // the patient's own views are not disclosures
        assertThat(metadata(patient, mineStudy)).isEqualTo(200);
        assertThat(disclosures(grant)).isEqualTo("1");

        given().auth().oauth2(patient).post("/api/sharing/grants/" + grant + "/revocation").then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("revoked"));
        assertThat(metadata(x, mineStudy)).isEqualTo(404);
        given().auth().oauth2(x).get("/api/sharing/shared-with-me").then().body("studyId", not(hasItem(mineId)));
        assertThat(Dicomweb.queryString(db, "SELECT action FROM portal.audit_event WHERE detail->>'grant' = ? "
                + "ORDER BY id DESC LIMIT 1", grant)).isEqualTo("share.revoked");
    }

    @Test
    void anExpiredGrantOpensNothing() throws Exception {
        Study own = ownStudy();
        TestDicom mineStudy = own.dicom();
        String mineId = own.id();
        String grant = share(patient, grantOf(mineId, yId)).then().statusCode(201).extract().path("id");
        assertThat(metadata(y, mineStudy)).isEqualTo(200);
        // time passes: the grant's 30 days are over by the portal's clock
        clock.advance(java.time.Duration.ofDays(31));
        try {
            assertThat(metadata(y, mineStudy)).isEqualTo(404);
            given().auth().oauth2(patient).get("/api/sharing/grants").then()
                    .body("find { it.id == '" + grant + "' }.state", org.hamcrest.Matchers.equalTo("expired"));
        } finally {
            clock.reset();
        }
        assertThat(metadata(y, mineStudy)).as("back to now, the grant is active again").isEqualTo(200);
    }

    @Test
    void whenTheDisclosureCannotBeWrittenNothingIsReleased() throws Exception {
        Study own = ownStudy();
        TestDicom mineStudy = own.dicom();
        String mineId = own.id();
        String grant = share(patient, grantOf(mineId, xId)).then().statusCode(201).extract().path("id");
        String before = disclosures(grant);
        try (Connection owner = DbOwner.connect()) {
            owner.createStatement().execute("REVOKE INSERT ON portal.disclosure FROM " + DbOwner.appRole());
            try {
                Response refused = given().auth().oauth2(x).accept("multipart/related; type=\"application/dicom\"")
                        .get("/dicomweb/studies/" + mineStudy.studyUid());
                assertThat(refused.statusCode()).isEqualTo(500);
                assertThat(refused.contentType()).startsWith("application/problem+json");
                assertThat(refused.asString()).contains("errorId").doesNotContain("DICM");
            } finally {
                owner.createStatement().execute("GRANT INSERT ON portal.disclosure TO " + DbOwner.appRole());
            }
        }
        assertThat(disclosures(grant)).isEqualTo(before);
        assertThat(metadata(x, mineStudy)).isEqualTo(200);
        given().auth().oauth2(patient).post("/api/sharing/grants/" + grant + "/revocation").then().statusCode(200);
    }

    @Test
    void onlyTheOwnerOrTheFrontDeskShareAndRevoke() throws Exception {
        share(otherPatient, grantOf(mineId, xId)).then().statusCode(404);
        share(patient, grantOf(theirId, xId)).then().statusCode(404);
        share(patient, grantOf(mineId, UUID.randomUUID().toString())).then().statusCode(404);
        share(x, grantOf(mineId, yId)).then().statusCode(403);
        Map<String, Object> tooLong = grantOf(mineId, xId);
        tooLong.put("expiresAt", Instant.now().plusSeconds(400L * 86400).toString());
        share(patient, tooLong).then().statusCode(400).body("violations.field", hasItem("expiresAt"));
        Map<String, Object> other = grantOf(mineId, xId);
        other.put("purpose", "OTHER");
        share(patient, other).then().statusCode(400).body("violations.field", hasItem("purposeText"));

        String grant = share(patient, grantOf(mineId, xId)).then().statusCode(201).extract().path("id");
        given().auth().oauth2(otherPatient).post("/api/sharing/grants/" + grant + "/revocation").then()
                .statusCode(404);
        given().auth().oauth2(x).post("/api/sharing/grants/" + grant + "/revocation").then().statusCode(403);
        given().post("/api/sharing/grants/" + grant + "/revocation").then().statusCode(401);

        // the front desk shares for the patient only after a recent verification, noting the authorization
        String patientId = Dicomweb.queryString(db, "SELECT id::text FROM portal.patient WHERE patient_id = ?",
                mine.id());
        Map<String, Object> onBehalf = grantOf(mineId, yId);
        onBehalf.put("patientId", patientId);
        onBehalf.put("authorizationNote", "signed authorization form 2026-11-27, scanned");
        share(frontdesk, onBehalf).then().statusCode(409).body("type",
                org.hamcrest.Matchers.endsWith("/identity-not-verified"));
        given().auth().oauth2(frontdesk).contentType(ContentType.JSON)
                .body(Map.of("method", "GOVERNMENT_PHOTO_ID", "documentType", "passport", "documentLast4", "9876",
                        "site", "front desk"))
                .post("/api/patients/" + patientId + "/verifications").then().statusCode(201);
        onBehalf.remove("authorizationNote");
        share(frontdesk, onBehalf).then().statusCode(400).body("violations.field", hasItem("authorizationNote"));
        onBehalf.put("authorizationNote", "signed authorization form 2026-11-27, scanned");
        share(frontdesk, onBehalf).then().statusCode(201);
    }

    @Test
    void aPhysicianDownloadsOnlyUnderAGrantThatAllowsItAndTheDownloadIsADisclosure() throws Exception {
        Study own = ownStudy();
        String viewOnly = share(patient, grantOf(own.id(), xId)).then().statusCode(201).extract().path("id");
        given().auth().oauth2(x).get("/api/studies/" + own.id() + "/archive").then().statusCode(403);
        given().auth().oauth2(patient).post("/api/sharing/grants/" + viewOnly + "/revocation").then().statusCode(200);

        Map<String, Object> withDownload = grantOf(own.id(), xId);
        withDownload.put("download", true);
        String grant = share(patient, withDownload).then().statusCode(201).extract().path("id");
        byte[] zip = given().auth().oauth2(x).get("/api/studies/" + own.id() + "/archive").then().statusCode(200)
                .extract().asByteArray();
        assertThat(zip.length).isGreaterThan(own.dicom().bytes().length / 4);
        assertThat(Dicomweb.queryString(db, "SELECT action FROM portal.disclosure WHERE basis = ?", "grant:" + grant))
                .isEqualTo("DOWNLOAD");
        given().auth().oauth2(y).get("/api/studies/" + own.id() + "/archive").then().statusCode(404);
        given().auth().oauth2(patient).post("/api/sharing/grants/" + grant + "/revocation").then().statusCode(200);
        given().auth().oauth2(x).get("/api/studies/" + own.id() + "/archive").then().statusCode(404);
    }

    @Test
    void patientsFindPhysiciansByNameWithoutTheirContactDetails() {
        given().auth().oauth2(patient).get("/api/sharing/physicians?q=xavier").then().statusCode(200)
                .body("name", hasItem("Xavier Xu")).body("[0].email", org.hamcrest.Matchers.nullValue())
                .body("[0].npi", org.hamcrest.Matchers.nullValue());
        given().auth().oauth2(patient).get("/api/sharing/physicians?q=x").then().statusCode(400);
        given().auth().oauth2(x).get("/api/sharing/physicians?q=xavier").then().statusCode(403);
    }

    @Test
    void aGrantOfChosenSeriesReleasesThoseSeriesOnly() throws Exception {
        String studyUid = TestDicom.newUid();
        TestDicom axial = TestDicom.ct(mine).study(studyUid).seed(61);
        TestDicom scout = TestDicom.ct(mine).study(studyUid).seriesNumber(2).seed(62);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(axial.bytes(), scout.bytes())).then().statusCode(200);
        String studyId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?", studyUid);
        Map<String, Object> body = grantOf(studyId, xId);
        body.put("seriesUids", List.of(TestDicom.newUid()));
        share(patient, body).then().statusCode(400).body("violations.field", hasItem("seriesUids"));
        body.put("seriesUids", List.of(scout.seriesUid()));
        body.put("download", true);
        String grant = share(patient, body).then().statusCode(201).extract().path("id");

        String root = "/dicomweb/studies/" + studyUid;
        assertThat(given().auth().oauth2(x).get(root + "/series").jsonPath()
                .getList("'0020000E'.Value.flatten()", String.class)).containsExactly(scout.seriesUid());
        Response study = given().auth().oauth2(x).accept("multipart/related; type=\"application/dicom\"").get(root);
        assertThat(study.statusCode()).isEqualTo(200);
        assertThat(given().auth().oauth2(x).get(root + "/metadata").jsonPath().getList("$")).hasSize(1);
        assertThat(given().auth().oauth2(x).get(root + "/series/" + axial.seriesUid() + "/metadata").statusCode())
                .isEqualTo(404);
        assertThat(given().auth().oauth2(x).accept("application/dicom").get(root + "/series/" + axial.seriesUid()
                + "/instances/" + axial.sopInstanceUid()).statusCode()).isEqualTo(404);
        byte[] zip = given().auth().oauth2(x).get("/api/studies/" + studyId + "/archive").asByteArray();
        List<String> names = new java.util.ArrayList<>();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(
                new java.io.ByteArrayInputStream(zip))) {
            for (java.util.zip.ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
        }
        assertThat(names.stream().filter(n -> n.startsWith("DICOM/"))).hasSize(1);
        // the grant's scope cannot be widened afterwards, not even by the portal's own database role
        try (Connection c = db.getConnection(); java.sql.Statement st = c.createStatement()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> st.executeUpdate(
                    "UPDATE portal.share_grant SET series_uids = NULL WHERE id = '" + grant + "'"))
                    .hasMessageContaining("permission denied");
        }
        // the patient still reaches both series
        assertThat(given().auth().oauth2(patient).get(root + "/metadata").jsonPath().getList("$")).hasSize(2);
        given().auth().oauth2(patient).post("/api/sharing/grants/" + grant + "/revocation").then().statusCode(200);
    }

    @Test
    void aViewGrantOnTheWholeStudyDoesNotWidenADownloadGrantOnOneSeries() throws Exception {
        String studyUid = TestDicom.newUid();
        TestDicom axial = TestDicom.ct(mine).study(studyUid).seed(71);
        TestDicom scout = TestDicom.ct(mine).study(studyUid).seriesNumber(2).seed(72);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(axial.bytes(), scout.bytes())).then().statusCode(200);
        String studyId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?", studyUid);
        String view = share(patient, grantOf(studyId, xId)).then().statusCode(201).extract().path("id");
        Map<String, Object> oneSeries = grantOf(studyId, xId);
        oneSeries.put("seriesUids", List.of(scout.seriesUid()));
        oneSeries.put("download", true);
        String download = share(patient, oneSeries).then().statusCode(201).extract().path("id");

        // both series can be viewed, only the one series can be taken away
        assertThat(given().auth().oauth2(x).get("/dicomweb/studies/" + studyUid + "/metadata").jsonPath()
                .getList("$")).hasSize(2);
        byte[] zip = given().auth().oauth2(x).get("/api/studies/" + studyId + "/archive").then().statusCode(200)
                .extract().asByteArray();
        List<String> dicomEntries = new java.util.ArrayList<>();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(
                new java.io.ByteArrayInputStream(zip))) {
            for (java.util.zip.ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().startsWith("DICOM/") && !e.getName().endsWith("/")) {
                    dicomEntries.add(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1));
                }
            }
        }
        assertThat(dicomEntries).hasSize(1);
        assertThat(dicomEntries.getFirst()).contains(scout.sopInstanceUid()).doesNotContain(axial.sopInstanceUid());
        assertThat(Dicomweb.queryString(db, "SELECT action FROM portal.disclosure WHERE basis = ?",
                "grant:" + download)).isEqualTo("DOWNLOAD");

        // with the download grant revoked, the view grant alone allows no copy
        given().auth().oauth2(patient).post("/api/sharing/grants/" + download + "/revocation").then().statusCode(200);
        given().auth().oauth2(x).get("/api/studies/" + studyId + "/archive").then().statusCode(403);
        given().auth().oauth2(patient).post("/api/sharing/grants/" + view + "/revocation").then().statusCode(200);
        given().auth().oauth2(x).get("/api/studies/" + studyId + "/archive").then().statusCode(404);
    }
}
