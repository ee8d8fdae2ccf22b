package org.imageportal.sharing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Issuing share links: the link and code are shown once and only their hashes are kept; the scope is fixed;
 * limits are checked; only the study's patient issues, and revocation is one way.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LinkIssueTest {

    @Inject
    DataSource db;

    @Inject
    LinkTokens tokens;

    TestRealm.User patientUser;
    String patient;
    String otherPatient;
    final TestDicom.Patient mine = TestDicom.Patient.random();
    final TestDicom study = TestDicom.ct(mine).seed(95);
    String studyId;

    @BeforeAll
    void setUp() {
        patientUser = TestRealm.createUser("patient");
        patient = TestRealm.mfaToken(patientUser);
        otherPatient = TestRealm.mfaToken(TestRealm.createUser("patient"));
    }

    @BeforeEach
    void data() throws Exception {
        if (studyId == null) {
            Dicomweb.stow(TestRealm.ingestToken(), List.of(study.bytes())).then().statusCode(200);
            Dicomweb.linkAccount(db, mine.id(), patientUser.id());
            studyId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?",
                    study.studyUid());
        }
    }

    private Map<String, Object> request() {
        Map<String, Object> body = new HashMap<>();
        body.put("studyId", studyId);
        body.put("recipientName", "Dr Amara Okafor");
        body.put("purpose", "SECOND_OPINION");
        return body;
    }

    private Response issue(String token, Map<String, Object> body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body).post("/api/sharing/links");
    }

    @Test
    void theLinkAndCodeAreShownOnceAndOnlyTheirHashesAreKept() throws Exception {
        Response issued = issue(patient, request());
        issued.then().statusCode(201).header("Cache-Control", "no-store");
        String url = issued.jsonPath().getString("url");
        String code = issued.jsonPath().getString("accessCode");
        assertThat(url).matches(".*/s/[A-Za-z0-9_-]{67}");
        assertThat(code).matches("[0-9]{8}");
        String token = url.substring(url.lastIndexOf('/') + 1);
        assertThat(tokens.verify(token)).contains(LinkTokens.hash(token));
        String id = issued.jsonPath().getString("id");
        assertThat(Dicomweb.queryString(db, "SELECT token_hash FROM portal.share_link WHERE id = ?::uuid", id))
                .isEqualTo(LinkTokens.hash(token));
        String row = Dicomweb.queryString(db, "SELECT row_to_json(l)::text FROM portal.share_link l WHERE id = ?::uuid",
                id);
        assertThat(row).doesNotContain(token).doesNotContain(code);
        String codeHash = Dicomweb.queryString(db, "SELECT code_hash FROM portal.share_link WHERE id = ?::uuid", id);
        assertThat(codeHash).startsWith("hmac-sha256-link$");
        assertThat(AccessCodes.matches(code, token, codeHash, tokens)).isTrue();
        // default expiry: 7 days
        assertThat(Instant.parse(issued.jsonPath().getString("expiresAt")))
                .isBetween(Instant.now().plusSeconds(7 * 86400 - 120), Instant.now().plusSeconds(7 * 86400 + 5));

        Response listed = given().auth().oauth2(patient).get("/api/sharing/links");
        listed.then().statusCode(200).body("id", hasItem(id));
        assertThat(listed.asString()).doesNotContain(token).doesNotContain(code);
        assertThat(listed.jsonPath().getString("find { it.id == '" + id + "' }.state")).isEqualTo("active");
        assertThat(Dicomweb.queryString(db, "SELECT action FROM portal.audit_event WHERE detail->>'link' = ?", id))
                .isEqualTo("link.issued");
    }

    @Test
    void theScopeCannotBeChangedByThePortalsRoleAndRevocationIsOneWay() throws Exception {
        String id = issue(patient, request()).then().statusCode(201).extract().path("id");
        try (var c = db.getConnection(); var s = c.createStatement()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.executeUpdate(
                    "UPDATE portal.share_link SET can_download = true WHERE id = '" + id + "'"))
                    .hasMessageContaining("permission denied");
        }
        given().auth().oauth2(otherPatient).post("/api/sharing/links/" + id + "/revocation").then().statusCode(404);
        given().auth().oauth2(patient).post("/api/sharing/links/" + id + "/revocation").then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("revoked"));
        given().auth().oauth2(patient).post("/api/sharing/links/" + id + "/revocation").then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("revoked"));
    }

    @Test
    void limitsAreCheckedAndOnlyThePatientIssuesForTheirOwnStudy() {
        Map<String, Object> tooLong = request();
        tooLong.put("expiresAt", Instant.now().plusSeconds(31L * 86400).toString());
        issue(patient, tooLong).then().statusCode(400).body("violations.field", hasItem("expiresAt"));
        Map<String, Object> backwards = request();
        backwards.put("notBefore", Instant.now().plusSeconds(3 * 86400).toString());
        backwards.put("expiresAt", Instant.now().plusSeconds(86400).toString());
        issue(patient, backwards).then().statusCode(400);
        Map<String, Object> zeroOpens = request();
        zeroOpens.put("maxOpens", 0);
        issue(patient, zeroOpens).then().statusCode(400).body("violations.field", hasItem("maxOpens"));
        Map<String, Object> noName = request();
        noName.remove("recipientName");
        issue(patient, noName).then().statusCode(400).body("violations.field", hasItem("recipientName"));
        Map<String, Object> later = request();
        later.put("notBefore", Instant.now().plusSeconds(86400).toString());
        later.put("maxOpens", 3);
        issue(patient, later).then().statusCode(201);

        issue(otherPatient, request()).then().statusCode(404);
        issue(TestRealm.mfaToken(TestRealm.createUser("provider")), request()).then().statusCode(403);
        given().contentType(ContentType.JSON).body(request()).post("/api/sharing/links").then().statusCode(401);
    }

    @Test
    void theFrontDeskIssuesALinkOnlyAfterVerifyingThePatientAndNotingTheirAuthorization() throws Exception {
        String frontdesk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
        String patientId = Dicomweb.queryString(db, "SELECT id::text FROM portal.patient WHERE patient_id = ?",
                mine.id());
        Map<String, Object> onBehalf = request();
        issue(frontdesk, onBehalf).then().statusCode(400).body("violations.field", hasItem("authorizationNote"));
        onBehalf.put("patientId", patientId);
        onBehalf.put("authorizationNote", "signed HIPAA authorization for Dr Okafor, 27 Nov 2026, scanned to chart");
        issue(frontdesk, onBehalf).then().statusCode(409).body("type",
                org.hamcrest.Matchers.endsWith("/identity-not-verified"));
        given().auth().oauth2(frontdesk).contentType(ContentType.JSON)
                .body(Map.of("method", "GOVERNMENT_PHOTO_ID", "documentType", "passport", "documentLast4", "4321",
                        "site", "front desk"))
                .post("/api/patients/" + patientId + "/verifications").then().statusCode(201);
        Map<String, Object> wrongPatient = new HashMap<>(onBehalf);
        wrongPatient.put("patientId", java.util.UUID.randomUUID().toString());
        issue(frontdesk, wrongPatient).then().statusCode(404);

        Response issued = issue(frontdesk, onBehalf);
        issued.then().statusCode(201);
        String id = issued.jsonPath().getString("id");
        assertThat(Dicomweb.queryString(db, "SELECT authorization_note FROM portal.share_link WHERE id = ?::uuid", id))
                .startsWith("signed HIPAA authorization");
        assertThat(Dicomweb.queryString(db, "SELECT detail->>'onBehalf' FROM portal.audit_event WHERE "
                + "action = 'link.issued' AND detail->>'link' = ?", id)).isEqualTo("true");
        // the recipient opens it like any other link, and the patient sees it on their dashboard
        org.imageportal.support.ShareLinks.openSession(new org.imageportal.support.ShareLinks.Issued(
                issued.jsonPath().getString("url"), issued.jsonPath().getString("accessCode"), id));
        assertThat(given().auth().oauth2(patient).get("/api/sharing/links").jsonPath().getList("id")).contains(id);
    }
}
