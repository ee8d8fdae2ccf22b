package org.imageportal.breakglass;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.studies.Dicomweb;
import org.imageportal.support.AdjustableClock;
import org.imageportal.support.PatientWithStudy;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Break-glass: without a reason it is refused; with one, a person holding the permission views the study (not a
 * download) for the window only; the opening and every release under it are flagged in the audit trail, wait in the
 * privacy officer's review queue, and appear in the patient's full access report.
 */
@QuarkusTest
class BreakGlassTest {

    @Inject
    DataSource db;

    @Inject
    AdjustableClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private static Response open(String token, String studyUid, String reason) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(reason == null ? Map.of("studyUid", studyUid) : Map.of("studyUid", studyUid, "reason", reason))
                .post("/api/break-glass");
    }

    @Test
    void breakGlassNeedsAReasonIsTimeLimitedFlaggedReviewedAndReported() throws Exception {
        PatientWithStudy p = PatientWithStudy.create(db, 6301);
        String uid = p.study().studyUid();
        TestRealm.User clinician = TestRealm.createUser("break-glass");
        String token = TestRealm.mfaToken(clinician);
        String officer = TestRealm.mfaToken(TestRealm.createUser("privacy-officer"));

        // nothing before: the permission alone reaches no study
        given().auth().oauth2(token).get("/dicomweb/studies/" + uid + "/metadata").then().statusCode(403);
        open(token, uid, null).then().statusCode(400).body("violations[0].field", equalTo("reason"));
        open(token, uid, "   urgent ").then().statusCode(400);
        // staff without the permission are refused, and that is audited too
        String desk = TestRealm.mfaToken(TestRealm.createUser("provider"));
        open(desk, uid, "Patient unconscious in the emergency department").then().statusCode(403);

        JsonPath opened = open(token, uid, "Patient unconscious in the emergency department, prior CT needed")
                .then().statusCode(201).extract().jsonPath();
        String id = opened.getString("id");
        assertThat(opened.getString("review")).isEqualTo("PENDING");
        given().auth().oauth2(token).get("/dicomweb/studies/" + uid + "/metadata").then().statusCode(200);
        // viewing, not taking a copy
        given().auth().oauth2(token).get("/api/studies/" + p.studyId() + "/archive").then().statusCode(403);
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.audit_event WHERE actor = ? "
                + "AND action = 'study.retrieve' AND detail->>'breakGlass' = '" + id + "'", clinician.id()))
                .isEqualTo("1");
        // no disclosure row: a use within the practice
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.disclosure WHERE study_ref = ?::uuid",
                p.studyId())).isEqualTo("0");

        // the window closes
        clock.advance(Duration.ofMinutes(61));
        given().auth().oauth2(token).get("/dicomweb/studies/" + uid + "/metadata").then().statusCode(403);
        clock.reset();

        // the review queue
        given().auth().oauth2(officer).get("/api/break-glass/reviews").then().statusCode(200)
                .body("id", hasItem(id));
        given().auth().oauth2(token).get("/api/break-glass/reviews").then().statusCode(403);
        given().auth().oauth2(officer).contentType(ContentType.JSON).body(Map.of("justified", false, "notes", " "))
                .post("/api/break-glass/" + id + "/review").then().statusCode(400);
        given().auth().oauth2(officer).contentType(ContentType.JSON)
                .body(Map.of("justified", true, "notes", "ED record confirms the admission at that time"))
                .post("/api/break-glass/" + id + "/review").then().statusCode(200)
                .body("review", equalTo("JUSTIFIED"));
        given().auth().oauth2(officer).contentType(ContentType.JSON)
                .body(Map.of("justified", false, "notes", "second thoughts"))
                .post("/api/break-glass/" + id + "/review").then().statusCode(409);
        assertThat(given().auth().oauth2(officer).get("/api/break-glass/reviews").jsonPath().getList("id"))
                .doesNotContain(id);

        // the patient's full access report: the opening is a use within the practice, listed apart from disclosures
        String request = given().auth().oauth2(p.ownerToken()).contentType(ContentType.JSON).body("{}")
                .post("/api/accounting/requests").then().statusCode(201).extract().path("id");
        List<Map<String, Object>> uses = given().auth().oauth2(officer).queryParam("format", "json")
                .get("/api/accounting/requests/" + request + "/access").then().statusCode(200).extract().jsonPath()
                .getList("uses");
        assertThat(uses).anySatisfy(l -> {
            assertThat(l.get("recipient")).isEqualTo(clinician.displayName() + " (practice staff)");
            assertThat(l.get("access")).isEqualTo("Break-glass access");
            assertThat(l.get("purpose")).isEqualTo("Emergency access outside any share");
        });
    }
}
