package org.imageportal.studies.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;

/** The staff review of held instances: who may see it, release to the patient, delete, and what is refused. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuarantineTest {

    @Inject
    DataSource db;

    String ingest;
    String frontdesk;
    TestRealm.User patientUser;
    String patientToken;

    @BeforeAll
    void setUp() {
        ingest = TestRealm.ingestToken();
        frontdesk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
        patientUser = TestRealm.createUser("patient");
        patientToken = TestRealm.mfaToken(patientUser);
    }

    /** Stores an accepted study for a new patient and one instance of it naming someone else; returns both. */
    private TestDicom[] studyWithIntruder(TestDicom.Patient patient) {
        TestDicom own = TestDicom.ct(patient).number(1).seed(31);
        TestDicom intruder = TestDicom.ct(patient.withBirthDate("19991231")).study(own.studyUid())
                .series(own.seriesUid()).number(2).seed(32);
        Dicomweb.stow(ingest, List.of(own.bytes())).then().statusCode(200);
        Dicomweb.stow(ingest, List.of(intruder.bytes())).then().statusCode(202);
        return new TestDicom[]{own, intruder};
    }

    private String heldId(String sopInstanceUid) throws Exception {
        return Dicomweb.queryString(db, "SELECT id::text FROM portal.instance WHERE sop_instance_uid = ? "
                + "AND quarantine_reason IS NOT NULL", sopInstanceUid);
    }

    private long auditCount(String action, String entity) throws Exception {
        return Long.parseLong(Dicomweb.queryString(db,
                "SELECT count(*)::text FROM portal.audit_event WHERE action = ? AND entity = '" + entity + "'",
                action));
    }

    @Test
    void onlyTheFrontDeskReviewsTheQuarantine() throws Exception {
        TestDicom[] pair = studyWithIntruder(TestDicom.Patient.random());
        String id = heldId(pair[1].sopInstanceUid());
        String privacy = TestRealm.mfaToken(TestRealm.createUser("privacy-officer"));
        String admin = TestRealm.mfaToken(TestRealm.createUser("admin"));
        String provider = TestRealm.mfaToken(TestRealm.createUser("provider"));
        given().get("/api/quarantine").then().statusCode(401);
        for (String token : List.of(patientToken, privacy, admin, provider, ingest)) {
            given().auth().oauth2(token).get("/api/quarantine").then().statusCode(403);
            given().auth().oauth2(token).contentType("application/json").body("{}")
                    .post("/api/quarantine/" + id + "/release").then().statusCode(403);
            given().auth().oauth2(token).delete("/api/quarantine/" + id).then().statusCode(403);
        }
        given().auth().oauth2(TestRealm.passwordOnlyToken(TestRealm.createUser("frontdesk")))
                .get("/api/quarantine").then().statusCode(403)
                .body("type", org.hamcrest.Matchers.endsWith("mfa-required"));
        assertThat(heldId(pair[1].sopInstanceUid())).isEqualTo(id);
    }

    @Test
    void theListShowsTheReasonAndBothIdentities() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom[] pair = studyWithIntruder(patient);
        String id = heldId(pair[1].sopInstanceUid());
        var list = given().auth().oauth2(frontdesk).get("/api/quarantine").then().statusCode(200).extract()
                .jsonPath();
        List<Map<String, Object>> entries = list.getList("findAll { it.id == '" + id + "' }");
        assertThat(entries).hasSize(1);
        Map<String, Object> held = entries.getFirst();
        assertThat(held.get("reason")).isEqualTo("STUDY_IDENTITY_MISMATCH");
        assertThat(held.get("studyUid")).isEqualTo(pair[0].studyUid());
        assertThat(held.get("differingFields")).isEqualTo(List.of("PatientBirthDate"));
        assertThat(((Map<?, ?>) held.get("inFile")).get("birthDate")).isEqualTo("19991231");
        assertThat(((Map<?, ?>) held.get("proposed")).get("birthDate")).isEqualTo(patient.birthDate());
        assertThat(((Map<?, ?>) held.get("proposed")).get("patientId")).isEqualTo(patient.id());
        given().auth().oauth2(frontdesk).get("/api/quarantine/" + id).then().statusCode(200)
                .body("reason", equalTo("STUDY_IDENTITY_MISMATCH"));
        given().auth().oauth2(frontdesk).get("/api/quarantine/not-a-uuid").then().statusCode(404);
        given().auth().oauth2(frontdesk).get("/api/quarantine/" + java.util.UUID.randomUUID()).then()
                .statusCode(404);
    }

    @Test
    void releaseJoinsTheStudyMakesItVisibleToThePatientAndIsAudited() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom[] pair = studyWithIntruder(patient);
        Dicomweb.linkAccount(db, patient.id(), patientUser.id());
        String instances = "/dicomweb/studies/" + pair[0].studyUid() + "/instances";
        given().auth().oauth2(patientToken).get(instances).then().body("size()", equalTo(1));
        String id = heldId(pair[1].sopInstanceUid());

        given().auth().oauth2(frontdesk).contentType("application/json").body("{}")
                .post("/api/quarantine/" + id + "/release").then().statusCode(204);

        given().auth().oauth2(patientToken).get(instances).then().body("size()", equalTo(2))
                .body("'00080018'.Value.flatten()", hasItem(pair[1].sopInstanceUid()));
        List<byte[]> parts = Dicomweb.parts(given().auth().oauth2(patientToken)
                .get("/dicomweb/studies/" + pair[0].studyUid()));
        assertThat(parts).hasSize(2);
        assertThat(parts.get(1)).isEqualTo(pair[1].bytes());
        given().auth().oauth2(frontdesk).queryParam("StudyInstanceUID", pair[0].studyUid())
                .get("/dicomweb/studies").then().body("[0].'00201208'.Value[0]", equalTo(2));
        assertThat(heldId(pair[1].sopInstanceUid())).isNull();
        assertThat(auditCount("quarantine.release", "instance:" + id)).isEqualTo(1);
        // a second decision finds nothing held any more
        given().auth().oauth2(frontdesk).delete("/api/quarantine/" + id).then().statusCode(404);
    }

    @Test
    void releaseToAnotherPatientThanTheStudysIsRefused() throws Exception {
        TestDicom[] pair = studyWithIntruder(TestDicom.Patient.random());
        TestDicom other = TestDicom.ct(TestDicom.Patient.random());
        Dicomweb.stow(ingest, List.of(other.bytes())).then().statusCode(200);
        String otherPatient = Dicomweb.queryString(db,
                "SELECT p.id::text FROM portal.patient p JOIN portal.study s ON s.patient_ref = p.id "
                        + "WHERE s.study_uid = ?",
                other.studyUid());
        String id = heldId(pair[1].sopInstanceUid());

        given().auth().oauth2(frontdesk).contentType("application/json")
                .body("{\"patient\":\"" + otherPatient + "\"}").post("/api/quarantine/" + id + "/release").then()
                .statusCode(409).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("another patient"));
        given().auth().oauth2(frontdesk).contentType("application/json").body("{\"patient\":\"nope\"}")
                .post("/api/quarantine/" + id + "/release").then().statusCode(400);
        assertThat(heldId(pair[1].sopInstanceUid())).isEqualTo(id);
        assertThat(auditCount("quarantine.release", "instance:" + id)).isZero();
    }

    @Test
    void deleteRemovesTheRowAndTheObjectAndIsAudited() throws Exception {
        TestDicom[] pair = studyWithIntruder(TestDicom.Patient.random());
        String id = heldId(pair[1].sopInstanceUid());
        String key = Dicomweb.objectKey(db, pair[1].sopInstanceUid());
        assertThat(Dicomweb.bucketDir().resolve(key)).exists();

        given().auth().oauth2(frontdesk).delete("/api/quarantine/" + id).then().statusCode(204);

        assertThat(Dicomweb.objectKey(db, pair[1].sopInstanceUid())).isNull();
        assertThat(Files.exists(Dicomweb.bucketDir().resolve(key))).isFalse();
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.pending_object WHERE object_key = ?",
                key)).isEqualTo("0");
        assertThat(auditCount("quarantine.delete", "instance:" + id)).isEqualTo(1);
        // the rest of the study is untouched
        given().auth().oauth2(frontdesk).get("/dicomweb/studies/" + pair[0].studyUid() + "/instances").then()
                .statusCode(200).body("size()", equalTo(1));
    }

    @Test
    void aStudyHeldWholeHasNoProposalAndGoesWithItsLastInstance() throws Exception {
        TestDicom nameless = TestDicom.ct(new TestDicom.Patient("", "", "Unknown^Person", "19700101"));
        Dicomweb.stow(ingest, List.of(nameless.bytes())).then().statusCode(202);
        String id = heldId(nameless.sopInstanceUid());
        given().auth().oauth2(frontdesk).get("/api/quarantine/" + id).then().statusCode(200)
                .body("reason", equalTo("NO_PATIENT_ID")).body("releasable", equalTo(false));
        given().auth().oauth2(frontdesk).contentType("application/json").body("{}")
                .post("/api/quarantine/" + id + "/release").then().statusCode(409)
                .body("detail", org.hamcrest.Matchers.containsString("choose the patient"));
        given().auth().oauth2(frontdesk).queryParam("StudyInstanceUID", nameless.studyUid())
                .get("/dicomweb/studies").then().body("'0020000D'.Value.flatten()", not(hasItem(nameless.studyUid())));

        given().auth().oauth2(frontdesk).delete("/api/quarantine/" + id).then().statusCode(204);
        assertThat(Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?",
                nameless.studyUid())).isNull();
        assertThat(auditCount("quarantine.delete-with-study", "instance:" + id)).isEqualTo(1);
    }
}
