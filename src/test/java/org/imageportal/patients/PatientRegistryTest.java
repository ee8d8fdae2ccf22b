package org.imageportal.patients;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The front desk finds patients and records identity verifications as evidence; nobody else may. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PatientRegistryTest {

    private static final String DESK = "Main street front desk";

    /** The portal's own database role (the application data source), as in production. */
    @Inject
    DataSource db;

    TestRealm.User frontdeskUser;
    String frontdesk;
    String ingest;

    @BeforeAll
    void setUp() {
        frontdeskUser = TestRealm.createUser("frontdesk");
        frontdesk = TestRealm.mfaToken(frontdeskUser);
        ingest = TestRealm.ingestToken();
    }

    /** The registry learns a patient from their first study; returns the registry id. */
    private String registered(TestDicom.Patient patient) throws Exception {
        Dicomweb.stow(ingest, List.of(TestDicom.ct(patient).bytes())).then().statusCode(200);
        return Dicomweb.queryString(db, "SELECT id::text FROM portal.patient WHERE patient_id = ?", patient.id());
    }

    private static io.restassured.response.ValidatableResponse verify(String token, String id, Map<String, ?> body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body)
                .post("/api/patients/" + id + "/verifications").then();
    }

    @Test
    void frontDeskFindsThePatientByMrnNameOrBirthDate() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        String id = registered(patient);
        given().auth().oauth2(frontdesk).queryParam("mrn", patient.id()).get("/api/patients").then()
                .statusCode(200).body("id", contains(id)).body("[0].name", equalTo(patient.name()))
                .body("[0].hasPortalAccount", equalTo(false));
        String givenName = patient.name().substring(patient.name().indexOf('^') + 1).toLowerCase();
        given().auth().oauth2(frontdesk).queryParam("name", givenName).get("/api/patients").then()
                .statusCode(200).body("id", contains(id));
        given().auth().oauth2(frontdesk).queryParam("name", givenName).queryParam("birthDate", "1980-01-01")
                .get("/api/patients").then().statusCode(200).body("id", contains(id));
        given().auth().oauth2(frontdesk).queryParam("name", givenName).queryParam("birthDate", "19800102")
                .get("/api/patients").then().statusCode(200).body("size()", equalTo(0));
        // wildcards in the name are text, not patterns
        given().auth().oauth2(frontdesk).queryParam("name", "%%").get("/api/patients").then().statusCode(200)
                .body("size()", equalTo(0));
        // the registry is not browsed whole, and a date must be a date
        given().auth().oauth2(frontdesk).get("/api/patients").then().statusCode(400)
                .contentType("application/problem+json");
        given().auth().oauth2(frontdesk).queryParam("birthDate", "1 Jan 1980").get("/api/patients").then()
                .statusCode(400);
        // the search is audited with the criteria used, never their values
        given().auth().oauth2(frontdesk).queryParam("name", givenName).queryParam("birthDate", "1980-01-01")
                .get("/api/patients").then().statusCode(200);
        String detail = Dicomweb.queryString(db, "SELECT detail::text FROM portal.audit_event WHERE action = ? "
                + "ORDER BY id DESC LIMIT 1", "patient.search");
        assertThat(detail).contains("name").contains("birthDate").doesNotContain(givenName).doesNotContain("1980");
    }

    @Test
    void aVerificationIsRecordedAsEvidenceAndMakesThePatientVerified() throws Exception {
        String id = registered(TestDicom.Patient.random());
        given().auth().oauth2(frontdesk).get("/api/patients/" + id).then().statusCode(200)
                .body("verifiedWithinWindow", equalTo(false)).body("lastVerifiedAt", nullValue());
        assertThat(Dicomweb.queryString(db, "SELECT action FROM portal.audit_event WHERE entity = ? "
                + "ORDER BY id DESC LIMIT 1", "patient:" + id)).as("opening a record is audited")
                .isEqualTo("patient.viewed");
        verify(frontdesk, id, Map.of("method", "GOVERNMENT_PHOTO_ID", "documentType", "driver's licence",
                "documentLast4", "7K2Q", "site", DESK, "notes", "photo matches")).statusCode(201)
                .body("method", equalTo("GOVERNMENT_PHOTO_ID")).body("documentLast4", equalTo("7K2Q"))
                .body("verifiedBy", equalTo(frontdeskUser.id())).body("site", equalTo(DESK));
        given().auth().oauth2(frontdesk).get("/api/patients/" + id).then().statusCode(200)
                .body("verifiedWithinWindow", equalTo(true));
        given().auth().oauth2(frontdesk).get("/api/patients/" + id + "/verifications").then().statusCode(200)
                .body("documentLast4", hasItem("7K2Q"));
        assertThat(Dicomweb.queryString(db, "SELECT string_agg(action, ',' ORDER BY id) FROM portal.audit_event "
                + "WHERE entity = ?", "patient:" + id))
                .isEqualTo("patient.viewed,identity.verified,patient.viewed");
    }

    @Test
    void aPersonalRepresentativeIsRecordedWithTheirAuthority() throws Exception {
        String id = registered(TestDicom.Patient.random());
        verify(frontdesk, id, Map.of("method", "PERSONAL_REPRESENTATIVE", "documentType", "passport",
                "documentLast4", "0042", "representativeName", "Pat Parent", "relationship", "PARENT",
                "authorityDocument", "birth certificate", "site", DESK)).statusCode(201)
                .body("relationship", equalTo("PARENT")).body("representativeName", equalTo("Pat Parent"));
        // without the representative's details it is refused, field by field
        verify(frontdesk, id, Map.of("method", "PERSONAL_REPRESENTATIVE", "documentType", "passport",
                "documentLast4", "0042", "site", DESK)).statusCode(400)
                .body("violations.field", hasItems("representativeName", "relationship", "authorityDocument"));
    }

    @Test
    void theWholeDocumentNumberIsNeverAccepted() throws Exception {
        String id = registered(TestDicom.Patient.random());
        verify(frontdesk, id, Map.of("method", "GOVERNMENT_PHOTO_ID", "documentType", "passport", "documentLast4",
                "X12345678", "site", DESK)).statusCode(400).contentType("application/problem+json")
                .body("violations.size()", equalTo(1));
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.identity_verification "
                + "WHERE patient_ref = ?::uuid", id)).isEqualTo("0");
        // a photo ID without its type and last characters, an unknown method, no site: refused
        verify(frontdesk, id, Map.of("method", "GOVERNMENT_PHOTO_ID", "site", DESK)).statusCode(400);
        verify(frontdesk, id, Map.of("method", "LOOKED_HONEST", "site", DESK)).statusCode(400);
        verify(frontdesk, id, Map.of("method", "KNOWN_PERSONALLY")).statusCode(400);
    }

    @Test
    void aVerificationOlderThanTheWindowNoLongerCounts() throws Exception {
        String id = registered(TestDicom.Patient.random());
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "INSERT INTO portal.identity_verification (id, patient_ref, method, verified_by, site, verified_at) "
                                + "VALUES (gen_random_uuid(), ?::uuid, 'KNOWN_PERSONALLY', 'someone', 'desk', "
                                + "now() - interval '25 hours')")) {
            s.setString(1, id);
            s.executeUpdate();
        }
        given().auth().oauth2(frontdesk).get("/api/patients/" + id).then().statusCode(200)
                .body("verifiedWithinWindow", equalTo(false));
    }

    @Test
    void evidenceCannotBeChangedOrRemovedByThePortalsRole() throws Exception {
        String id = registered(TestDicom.Patient.random());
        verify(frontdesk, id, Map.of("method", "KNOWN_PERSONALLY", "site", DESK)).statusCode(201);
        for (String sql : List.of("UPDATE portal.identity_verification SET site = 'elsewhere'",
                "DELETE FROM portal.identity_verification")) {
            assertThatThrownBy(() -> {
                try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
                    s.executeUpdate();
                }
            }).hasMessageContaining("permission denied");
        }
    }

    @Test
    void onlyTheFrontDeskUsesTheRegistry() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        String id = registered(patient);
        given().queryParam("mrn", patient.id()).get("/api/patients").then().statusCode(401);
        for (String role : List.of("patient", "provider", "privacy-officer", "admin")) {
            String token = TestRealm.mfaToken(TestRealm.createUser(role));
            given().auth().oauth2(token).queryParam("mrn", patient.id()).get("/api/patients").then()
                    .statusCode(403);
            given().auth().oauth2(token).get("/api/patients/" + id).then().statusCode(403);
            verify(token, id, Map.of("method", "KNOWN_PERSONALLY", "site", DESK)).statusCode(403);
        }
        given().auth().oauth2(frontdesk).get("/api/patients/" + UUID.randomUUID()).then().statusCode(404);
        verify(frontdesk, UUID.randomUUID().toString(), Map.of("method", "KNOWN_PERSONALLY", "site", DESK))
                .statusCode(404);
    }
}
