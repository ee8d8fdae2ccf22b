package org.imageportal.studies.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The front desk's upload of an outside CD (ZIP with nested folders) or single files for a patient. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UploadTest {

    @Inject
    DataSource db;

    String ingest;
    String frontdesk;

    @BeforeAll
    void setUp() {
        ingest = TestRealm.ingestToken();
        frontdesk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
    }

    /** A patient the practice already knows (from an earlier PACS study); returns the portal's patient id. */
    private String knownPatient(TestDicom.Patient patient) throws Exception {
        TestDicom earlier = TestDicom.ct(patient).seed(50);
        Dicomweb.stow(ingest, List.of(earlier.bytes())).then().statusCode(200);
        return Dicomweb.queryString(db, "SELECT id::text FROM portal.patient WHERE patient_id = ?", patient.id());
    }

    static byte[] zip(Map<String, byte[]> entries) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    @Test
    void aCdZipWithNestedFoldersStoresItsImagesAndReportsEveryOtherFile() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        String patientId = knownPatient(patient);
        TestDicom one = TestDicom.ct(patient).studyDate("20240202").number(1).seed(51);
        TestDicom two = TestDicom.ct(patient).study(one.studyUid()).series(one.seriesUid()).number(2).seed(52);
        TestDicom stranger = TestDicom.ct(TestDicom.Patient.random()).seed(53);
        byte[] cut = TestDicom.ct(patient).size(64).seed(54).bytes();
        Map<String, byte[]> cd = new LinkedHashMap<>();
        cd.put("CD/", new byte[0]);
        cd.put("CD/DICOMDIR", TestDicom.dicomdir());
        cd.put("CD/DICOM/ST000001/SE000001/IM000001", one.bytes());
        cd.put("CD/DICOM/ST000001/SE000001/IM000002", two.bytes());
        cd.put("CD/DICOM/ST000002/SE000001/IM000001", stranger.bytes());
        cd.put("CD/DICOM/ST000003/SE000001/IM000001", Arrays.copyOf(cut, cut.length - 100));
        cd.put("CD/README.TXT", "Open VIEWER/START.EXE to see your images".getBytes(StandardCharsets.US_ASCII));
        cd.put("CD/VIEWER/START.EXE", new byte[4096]);

        JsonPath report = given().auth().oauth2(frontdesk).contentType("application/zip").body(zip(cd))
                .post("/api/patients/" + patientId + "/uploads").then().statusCode(200)
                .contentType("application/json").extract().jsonPath();

        assertThat(report.getInt("stored")).isEqualTo(2);
        assertThat(report.getInt("held")).isEqualTo(1);
        assertThat(report.getInt("skipped")).isEqualTo(3);
        assertThat(report.getInt("failed")).isEqualTo(1);
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (Map<String, Object> f : report.<Map<String, Object>>getList("files")) {
            outcomes.put((String) f.get("name"), (String) f.get("outcome"));
        }
        assertThat(outcomes).containsExactly(Map.entry("CD/DICOMDIR", "skipped"),
                Map.entry("CD/DICOM/ST000001/SE000001/IM000001", "stored"),
                Map.entry("CD/DICOM/ST000001/SE000001/IM000002", "stored"),
                Map.entry("CD/DICOM/ST000002/SE000001/IM000001", "held"),
                Map.entry("CD/DICOM/ST000003/SE000001/IM000001", "failed"),
                Map.entry("CD/README.TXT", "skipped"), Map.entry("CD/VIEWER/START.EXE", "skipped"));
        assertThat(report.getString("files[4].message")).contains("pixel data ends");
        assertThat(report.getString("files[3].message")).contains("held for review");

        // the images come back byte for byte, under the patient they were uploaded for
        assertThat(Dicomweb.parts(given().auth().oauth2(frontdesk).get("/dicomweb/studies/" + one.studyUid())))
                .containsExactly(one.bytes(), two.bytes());
        assertThat(Dicomweb.queryString(db, "SELECT patient_ref::text FROM portal.study WHERE study_uid = ?",
                one.studyUid())).isEqualTo(patientId);
        // the stranger's image waits in quarantine, the truncated one left nothing behind
        given().auth().oauth2(frontdesk).queryParam("StudyInstanceUID", stranger.studyUid()).get("/dicomweb/studies")
                .then().body("size()", equalTo(0));
        assertThat(Dicomweb.queryString(db, "SELECT quarantine_reason FROM portal.instance WHERE sop_instance_uid = ?",
                stranger.sopInstanceUid())).isEqualTo("TARGET_PATIENT_MISMATCH");
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.pending_object WHERE created_at > "
                + "now() - interval '1 hour' AND object_key LIKE ?", "i/%")).isEqualTo("0");
    }

    @Test
    void singleFilesAreStoredOrReportedByName() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        String patientId = knownPatient(patient);
        TestDicom file = TestDicom.ct(patient).seed(55);
        given().auth().oauth2(frontdesk).contentType("application/octet-stream")
                .header("X-File-Name", "My%20CD%2FIMG0001.dcm").body(file.bytes())
                .post("/api/patients/" + patientId + "/uploads/files").then().statusCode(200)
                .body("name", equalTo("My CD/IMG0001.dcm")).body("outcome", equalTo("stored"))
                .body("studyUid", equalTo(file.studyUid()));
        given().auth().oauth2(frontdesk).contentType("application/octet-stream")
                .header("X-File-Name", "My%20CD%2FIMG0001.dcm").body(file.bytes())
                .post("/api/patients/" + patientId + "/uploads/files").then().statusCode(200)
                .body("outcome", equalTo("already-stored"));
        given().auth().oauth2(frontdesk).contentType("application/octet-stream").header("X-File-Name", "notes.pdf")
                .body("%PDF-1.4 not an image".getBytes(StandardCharsets.US_ASCII))
                .post("/api/patients/" + patientId + "/uploads/files").then().statusCode(200)
                .body("outcome", equalTo("skipped")).body("message", equalTo("not a DICOM file"));
    }

    @Test
    void refusals() throws Exception {
        String patientId = knownPatient(TestDicom.Patient.random());
        String patientToken = TestRealm.mfaToken(TestRealm.createUser("patient"));
        byte[] body = zip(Map.of("a.dcm", TestDicom.ct(TestDicom.Patient.random()).bytes()));
        String path = "/api/patients/" + patientId + "/uploads";
        given().contentType("application/zip").body(body).post(path).then().statusCode(401);
        given().auth().oauth2(patientToken).contentType("application/zip").body(body).post(path).then()
                .statusCode(403);
        given().auth().oauth2(ingest).contentType("application/zip").body(body).post(path).then().statusCode(403);
        given().auth().oauth2(frontdesk).contentType("application/zip").body(body)
                .post("/api/patients/" + UUID.randomUUID() + "/uploads").then().statusCode(404);
        given().auth().oauth2(frontdesk).contentType("application/zip").body("this is no zip".getBytes())
                .post(path).then().statusCode(400).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("ZIP"));
        given().auth().oauth2(frontdesk).contentType("text/plain").body("x").post(path).then().statusCode(415);
    }

    @Test
    void aZipThatExpandsAThousandfoldIsStoppedWithAReason() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        String patientId = knownPatient(patient);
        Map<String, byte[]> bomb = new java.util.LinkedHashMap<>();
        TestDicom first = TestDicom.ct(patient).seed(91);
        bomb.put("0001.dcm", first.bytes());
        for (int i = 0; i < 20; i++) {
            bomb.put("zeros-" + i + ".bin", new byte[3 << 20]);
        }
        byte[] body = zip(bomb);
        assertThat(body.length).as("a small upload").isLessThan(400_000);
        JsonPath report = given().auth().oauth2(frontdesk).contentType("application/zip").body(body)
                .post("/api/patients/" + patientId + "/uploads").then().statusCode(200).extract().jsonPath();
        assertThat(report.getList("files.outcome", String.class)).contains("stored", "failed");
        assertThat(report.getList("files.message", String.class)).anyMatch(m -> m != null && m.contains("ZIP bomb"));
        // what came before the bomb went off was handled, and nothing after it was read
        assertThat(report.getList("files.name", String.class)).contains("0001.dcm")
                .doesNotContain("zeros-19.bin");
    }
}
