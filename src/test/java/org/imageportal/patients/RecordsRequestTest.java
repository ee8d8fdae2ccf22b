package org.imageportal.patients;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.OffsetDateTime;
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
 * Requests under the right of access that the portal cannot fulfil at once run against the 30-day clock: one
 * extension with a written reason, before the deadline; overdue requests show as such; fulfilment closes them.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordsRequestTest {

    @Inject
    DataSource db;

    TestRealm.User patientUser;
    String patient;
    String otherPatient;
    String frontdesk;
    String privacyOfficer;
    final TestDicom.Patient registered = TestDicom.Patient.random();
    boolean linked;

    @BeforeAll
    void setUp() {
        patientUser = TestRealm.createUser("patient");
        patient = TestRealm.mfaToken(patientUser);
        otherPatient = TestRealm.mfaToken(TestRealm.createUser("patient"));
        frontdesk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
        privacyOfficer = TestRealm.mfaToken(TestRealm.createUser("privacy-officer"));
    }

    @BeforeEach
    void registerPatient() throws Exception {
        if (!linked) {
            Dicomweb.stow(TestRealm.ingestToken(), List.of(TestDicom.ct(registered).bytes())).then().statusCode(200);
            Dicomweb.linkAccount(db, registered.id(), patientUser.id());
            linked = true;
        }
    }

    private Response file(String token, Map<String, ?> body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body).post("/api/records-requests");
    }

    private Response staff(String token, String id, String step, String text) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("text", text))
                .post("/api/records-requests/" + id + "/" + step);
    }

    @Test
    void aRequestIsDueIn30DaysCanBeExtendedOnceWithAReasonAndIsClosedWhenFulfilled() throws Exception {
        Response filed = file(patient, Map.of("kind", "CD_OR_DVD", "details", "all of 2026 on one CD"));
        filed.then().statusCode(201).body("status", org.hamcrest.Matchers.equalTo("received"));
        String id = filed.jsonPath().getString("id");
        OffsetDateTime received = OffsetDateTime.parse(filed.jsonPath().getString("receivedAt"));
        OffsetDateTime due = OffsetDateTime.parse(filed.jsonPath().getString("dueAt"));
        assertThat(Duration.between(received, due)).isEqualTo(Duration.ofDays(30));

        given().auth().oauth2(patient).get("/api/records-requests/mine").then().statusCode(200)
                .body("id", hasItem(id));
        given().auth().oauth2(otherPatient).get("/api/records-requests/mine").then().statusCode(200)
                .body("id", not(hasItem(id)));
        given().auth().oauth2(frontdesk).get("/api/records-requests").then().statusCode(200).body("id", hasItem(id));
        given().auth().oauth2(patient).get("/api/records-requests").then().statusCode(403);

        staff(frontdesk, id, "extension", " ").then().statusCode(400).body("violations.field", hasItem("reason"));
        Response extended = staff(privacyOfficer, id, "extension", "the CD burner is being repaired");
        extended.then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("extended"));
        assertThat(Duration.between(due, OffsetDateTime.parse(extended.jsonPath().getString("dueAt"))))
                .isEqualTo(Duration.ofDays(30));
        staff(frontdesk, id, "extension", "again").then().statusCode(409);
        staff(otherPatient, id, "extension", "mine now").then().statusCode(403);

        staff(frontdesk, id, "fulfilment", "CD handed over at the front desk").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("fulfilled"));
        staff(frontdesk, id, "fulfilment", "twice").then().statusCode(409);
        given().auth().oauth2(frontdesk).get("/api/records-requests").then().body("id", not(hasItem(id)));
        assertThat(Dicomweb.queryString(db, "SELECT string_agg(action, ',' ORDER BY id) FROM portal.audit_event "
                + "WHERE detail->>'request' = ?", id))
                .isEqualTo("records-request.filed,records-request.extended,records-request.fulfilled");
    }

    @Test
    void aRequestPastItsDeadlineIsOverdueAndCanNoLongerBeExtended() throws Exception {
        String id = file(patient, Map.of("kind", "PAPER_COPY")).then().statusCode(201).extract().path("id");
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "UPDATE portal.records_request SET received_at = now() - interval '31 days', "
                                + "due_at = now() - interval '1 day' WHERE id = ?::uuid")) {
            s.setString(1, id);
            assertThat(s.executeUpdate()).isOne();
        }
        Response open = given().auth().oauth2(frontdesk).get("/api/records-requests");
        assertThat(open.jsonPath().getString("find { it.id == '" + id + "' }.status")).isEqualTo("overdue");
        assertThat(open.jsonPath().getString("[0].status")).as("the most urgent first").isEqualTo("overdue");
        staff(frontdesk, id, "extension", "too late").then().statusCode(409);
    }

    @Test
    void deliveryToSomeoneElseNeedsTheirNameAndAddressAndOtherNeedsDetails() {
        file(patient, Map.of("kind", "THIRD_PARTY_DELIVERY", "thirdPartyName", "Dr Lee")).then().statusCode(400)
                .body("violations.field", hasItem("thirdPartyName"));
        file(patient, Map.of("kind", "OTHER")).then().statusCode(400).body("violations.field", hasItem("details"));
        file(patient, Map.of("details", "no kind")).then().statusCode(400).body("violations.field", hasItem("kind"));
        file(patient, Map.of("kind", "THIRD_PARTY_DELIVERY", "thirdPartyName", "Dr Lee", "thirdPartyAddress",
                "1 Clinic Road, Springfield")).then().statusCode(201);
        file(frontdesk, Map.of("kind", "CD_OR_DVD")).then().statusCode(403);
        given().contentType(ContentType.JSON).body(Map.of("kind", "CD_OR_DVD")).post("/api/records-requests").then()
                .statusCode(401);
        // a patient account the registry does not know has no requests to file
        file(otherPatient, Map.of("kind", "CD_OR_DVD")).then().statusCode(404);
    }
}
