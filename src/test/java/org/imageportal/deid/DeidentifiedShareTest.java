package org.imageportal.deid;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.PatientWithStudy;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * A de-identified copy for teaching: made by the front desk (instances with burned-in text left out and listed),
 * stored apart from the patient's own studies under a pseudonym, the same copy again in the same project, audited
 * as de-identification, and shared through a link whose download carries none of the patient's identity.
 */
@QuarkusTest
class DeidentifiedShareTest {

    @Inject
    DataSource db;

    @Test
    void aDeidentifiedCopyIsSharedByLinkWithoutThePatientsIdentity() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom ct = TestDicom.ct(patient).seed(71).number(1);
        TestDicom us = TestDicom.ct(patient).study(ct.studyUid()).modality("US").seed(72).number(2);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(ct.bytes(), us.bytes())).then().statusCode(200);
        TestRealm.User owner = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, patient.id(), owner.id());
        // one sign-in: a one-time code cannot be used twice within its 30 seconds
        String ownerToken = TestRealm.mfaToken(owner);
        String studyId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?",
                ct.studyUid());
        String desk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
        String project = "teaching-" + System.nanoTime();
        Map<String, Object> form = Map.of("studyId", studyId, "project", project, "options",
                List.of("CLEAN_DESCRIPTORS"));

        given().auth().oauth2(ownerToken).contentType(ContentType.JSON).body(form)
                .post("/api/deid/copies").then().statusCode(403);
        JsonPath copy = given().auth().oauth2(desk).contentType(ContentType.JSON).body(form).post("/api/deid/copies")
                .then().statusCode(201).body("instances", equalTo(1)).extract().jsonPath();
        assertThat(copy.getList("excluded.reason")).singleElement().asString().contains("ultrasound");
        assertThat(copy.getString("excluded[0].modality")).isEqualTo("US");
        String copyStudy = copy.getString("copyStudyId");
        String copyPatient = copy.getString("copyPatientId");
        assertThat(copyStudy).isNotEqualTo(studyId);
        // the same project maps the same way: the copy again is the same copy
        assertThat(given().auth().oauth2(desk).contentType(ContentType.JSON).body(form).post("/api/deid/copies")
                .then().statusCode(201).extract().jsonPath().getString("copyStudyId")).isEqualTo(copyStudy);
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.audit_event WHERE entity = ? "
                + "AND action = 'deid.created'", "study:" + studyId)).isEqualTo("2");
        // not one of the patient's studies
        assertThat(given().auth().oauth2(ownerToken).get("/api/studies").jsonPath().getList("id"))
                .contains(studyId).doesNotContain(copyStudy);

        // shared by link on the practice's authority: no identity verification for a pseudonym...
        Map<String, Object> link = new HashMap<>(Map.of("studyId", copyStudy, "patientId", copyPatient,
                "recipientName", "Grand rounds audience", "purpose", "OTHER", "purposeText", "teaching conference",
                "authorizationNote", "de-identified teaching file", "download", true));
        JsonPath issued = given().auth().oauth2(desk).contentType(ContentType.JSON).body(link)
                .post("/api/sharing/links").then().statusCode(201).extract().jsonPath();
        // ...but the original still needs one
        Map<String, Object> original = new HashMap<>(link);
        original.put("studyId", studyId);
        original.put("patientId", Dicomweb.queryString(db, "SELECT id::text FROM portal.patient WHERE patient_id = ?",
                patient.id()));
        given().auth().oauth2(desk).contentType(ContentType.JSON).body(original).post("/api/sharing/links").then()
                .statusCode(409);

        ShareLinks.Issued shared = new ShareLinks.Issued(issued.getString("url"), issued.getString("accessCode"),
                issued.getString("id"));
        String session = ShareLinks.openSession(shared);
        byte[] zip = given().cookie("portal_link", session).get(shared.path() + "/download").then().statusCode(200)
                .extract().asByteArray();
        int dicomFiles = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                in.transferTo(bytes);
                String text = new String(bytes.toByteArray(), StandardCharsets.ISO_8859_1);
                assertThat(text).as(e.getName()).doesNotContain(patient.id(), patient.name(),
                        patient.name().split("\\^")[1], ct.studyUid(), ct.accessionNumber());
                if (e.getName().startsWith("DICOM/")) {
                    dicomFiles++;
                    assertThat(text).contains("ANON-");
                }
            }
        }
        assertThat(dicomFiles).isEqualTo(1);
    }

    @Test
    void optionsThatCannotMakeACopyAreRefusedBeforeAnythingIsCopied() throws Exception {
        String studyId = PatientWithStudy.create(db, 81).studyId();
        String desk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));

        // with the original UIDs the copy would be taken for the original study itself
        given().auth().oauth2(desk).contentType(ContentType.JSON)
                .body(Map.of("studyId", studyId, "project", "uids-" + System.nanoTime(), "options",
                        List.of("RETAIN_UIDS")))
                .post("/api/deid/copies").then().statusCode(400).body("violations[0].field", equalTo("options"));
        // the dates are kept or shifted, not both; and a name of spaces names no project: both said at once
        JsonPath both = given().auth().oauth2(desk).contentType(ContentType.JSON)
                .body(Map.of("studyId", studyId, "project", "   ", "options",
                        List.of("RETAIN_LONGITUDINAL_FULL_DATES", "RETAIN_LONGITUDINAL_MODIFIED_DATES")))
                .post("/api/deid/copies").then().statusCode(400).extract().jsonPath();
        assertThat(both.getList("violations.field")).containsExactly("project", "options");
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.deid_copy WHERE source_study = "
                + "?::uuid", studyId)).isEqualTo("0");
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.patient p JOIN portal.study s ON "
                + "s.patient_ref = p.id WHERE s.id = ?::uuid AND p.deidentified", studyId)).isEqualTo("0");
    }
}
