package org.imageportal.studies;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Patient safety and confidentiality: quarantine, encryption at rest, tamper and swap detection, access. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StudySafetyTest {

    @Inject
    DataSource db;

    String ingest;
    String frontdesk;
    TestRealm.User patientUser;
    String patientToken;
    String otherPatientToken;
    TestDicom.Patient patient = TestDicom.Patient.random();
    TestDicom first = TestDicom.ct(patient).number(1).seed(11).modality("CT").studyDate("20260310");

    @BeforeAll
    void setUp() throws Exception {
        ingest = TestRealm.ingestToken();
        frontdesk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
        patientUser = TestRealm.createUser("patient");
        patientToken = TestRealm.mfaToken(patientUser);
        otherPatientToken = TestRealm.mfaToken(TestRealm.createUser("patient"));
    }

    /** Stores the patient's first study once (RestAssured points at the app only once it runs). */
    @org.junit.jupiter.api.BeforeEach
    void storeFirstStudy() throws Exception {
        if (Dicomweb.objectKey(db, first.sopInstanceUid()) == null) {
            Dicomweb.stow(ingest, List.of(first.bytes())).then().statusCode(200);
            Dicomweb.linkAccount(db, patient.id(), patientUser.id());
        }
    }

    @Test
    void instanceNamingAnotherPatientIsQuarantinedAndInvisibleToThePatient() {
        TestDicom own = TestDicom.ct(patient).number(1).seed(21);
        Dicomweb.stow(ingest, List.of(own.bytes())).then().statusCode(200);
        TestDicom intruder = TestDicom.ct(patient.withName("Otherperson^Bob").withBirthDate("19700707"))
                .study(own.studyUid()).series(own.seriesUid()).number(2).seed(12);
        Response response = Dicomweb.stow(ingest, List.of(intruder.bytes()));
        response.then().statusCode(202);
        assertThat(response.header("Warning")).contains("held for staff review");
        assertThat(response.jsonPath().getString("'00081199'.Value[0].'00081155'.Value[0]"))
                .isEqualTo(intruder.sopInstanceUid());

        given().auth().oauth2(patientToken).get("/dicomweb/studies/" + own.studyUid() + "/series/"
                + intruder.seriesUid() + "/instances/" + intruder.sopInstanceUid()).then().statusCode(404);
        given().auth().oauth2(patientToken).get("/dicomweb/studies/" + own.studyUid() + "/instances")
                .then().statusCode(200).body("size()", org.hamcrest.Matchers.equalTo(1))
                .body("[0].'00080018'.Value[0]", org.hamcrest.Matchers.equalTo(own.sopInstanceUid()));
        List<byte[]> parts = Dicomweb.parts(given().auth().oauth2(patientToken)
                .get("/dicomweb/studies/" + own.studyUid()));
        assertThat(parts).singleElement().isEqualTo(own.bytes());
    }

    @Test
    void anotherPatientsInstanceInsideOneRequestForANewStudyIsQuarantinedWhileUploadsOverlap() {
        // uploads of one request overlap, but each identity decision must still see the instances before it
        TestDicom.Patient owner = TestDicom.Patient.random();
        TestDicom firstOfStudy = TestDicom.ct(owner).number(1).seed(31);
        List<TestDicom> own = new java.util.ArrayList<>(List.of(firstOfStudy));
        for (int n = 2; n <= 6; n++) {
            own.add(TestDicom.ct(owner).study(firstOfStudy.studyUid()).series(firstOfStudy.seriesUid()).number(n)
                    .seed(30 + n));
        }
        TestDicom intruder = TestDicom.ct(TestDicom.Patient.random()).study(firstOfStudy.studyUid())
                .series(firstOfStudy.seriesUid()).number(7).seed(39);
        List<byte[]> parts = new java.util.ArrayList<>();
        // second: read while the first is still uploading, before the study is linked to its patient
        parts.add(own.get(0).bytes());
        parts.add(intruder.bytes());
        own.subList(1, 6).forEach(d -> parts.add(d.bytes()));

        Response response = Dicomweb.stow(ingest, parts);
        response.then().statusCode(202);
        assertThat(response.header("Warning")).contains("1 instance(s) held for staff review");
        // every instance is referenced, in the order sent
        assertThat(response.jsonPath().getList("'00081199'.Value.collect { it.'00081155'.Value[0] }", String.class))
                .containsExactly(own.get(0).sopInstanceUid(), intruder.sopInstanceUid(), own.get(1).sopInstanceUid(),
                        own.get(2).sopInstanceUid(), own.get(3).sopInstanceUid(), own.get(4).sopInstanceUid(),
                        own.get(5).sopInstanceUid());
        given().auth().oauth2(frontdesk).get("/dicomweb/studies/" + firstOfStudy.studyUid() + "/instances")
                .then().statusCode(200).body("size()", org.hamcrest.Matchers.equalTo(6))
                .body("collect { it.'00080018'.Value[0] }", org.hamcrest.Matchers.not(
                        org.hamcrest.Matchers.hasItem(intruder.sopInstanceUid())));
        // the study's counters hold the six accepted instances, not the held one
        given().auth().oauth2(frontdesk).queryParam("PatientID", owner.id()).get("/dicomweb/studies")
                .then().statusCode(200).body("size()", org.hamcrest.Matchers.equalTo(1))
                .body("[0].'00201208'.Value[0]", org.hamcrest.Matchers.equalTo(6))
                .body("[0].'00201206'.Value[0]", org.hamcrest.Matchers.equalTo(1))
                .body("[0].'00080061'.Value", org.hamcrest.Matchers.contains("CT"));
    }

    @Test
    void samePatientIdWithAnotherNameInANewStudyIsQuarantined() {
        TestDicom other = TestDicom.ct(patient.withName("Impostor^Ivy"));
        Dicomweb.stow(ingest, List.of(other.bytes())).then().statusCode(202);
        given().auth().oauth2(frontdesk).queryParam("StudyInstanceUID", other.studyUid()).get("/dicomweb/studies")
                .then().statusCode(200).body("size()", org.hamcrest.Matchers.equalTo(0));
    }

    @Test
    void objectsInTheBucketHoldNoPlaintext() throws Exception {
        Path object = Dicomweb.bucketDir().resolve(Dicomweb.objectKey(db, first.sopInstanceUid()));
        byte[] stored = Files.readAllBytes(object);
        assertThat(stored.length).isGreaterThan(first.bytes().length);
        assertThat(Dicomweb.indexOf(stored, "DICM".getBytes(StandardCharsets.US_ASCII), 0)).isEqualTo(-1);
        assertThat(Dicomweb.indexOf(stored, patient.name().getBytes(StandardCharsets.US_ASCII), 0)).isEqualTo(-1);
        assertThat(Dicomweb.indexOf(stored, patient.id().getBytes(StandardCharsets.US_ASCII), 0)).isEqualTo(-1);
        assertThat(Dicomweb.objectKey(db, first.sopInstanceUid())).doesNotContain(first.sopInstanceUid())
                .doesNotContain(patient.id()).matches("i/[0-9a-f]{2}/[0-9a-f-]{36}");
    }

    @Test
    void aFlippedByteMakesRetrievalFailWithAProblemNeverWithCorruptBytes() throws Exception {
        TestDicom victim = TestDicom.ct(TestDicom.Patient.random()).seed(13);
        Dicomweb.stow(ingest, List.of(victim.bytes())).then().statusCode(200);
        Path object = Dicomweb.bucketDir().resolve(Dicomweb.objectKey(db, victim.sopInstanceUid()));
        byte[] stored = Files.readAllBytes(object);
        stored[stored.length / 2] ^= 0x01;
        Files.write(object, stored);

        given().auth().oauth2(frontdesk).get("/dicomweb/studies/" + victim.studyUid() + "/series/"
                + victim.seriesUid() + "/instances/" + victim.sopInstanceUid())
                .then().statusCode(500).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("integrity"));
    }

    @Test
    void anObjectMovedUnderAnotherInstancesKeyIsRejected() throws Exception {
        TestDicom.Patient someone = TestDicom.Patient.random();
        TestDicom one = TestDicom.ct(someone).number(4).seed(14);
        TestDicom two = TestDicom.ct(someone).study(one.studyUid()).series(one.seriesUid())
                .number(5).seed(15);
        Dicomweb.stow(ingest, List.of(one.bytes(), two.bytes())).then().statusCode(200);
        Path a = Dicomweb.bucketDir().resolve(Dicomweb.objectKey(db, one.sopInstanceUid()));
        Path b = Dicomweb.bucketDir().resolve(Dicomweb.objectKey(db, two.sopInstanceUid()));
        Files.copy(a, b, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        given().auth().oauth2(frontdesk).get("/dicomweb/studies/" + one.studyUid() + "/series/"
                + two.seriesUid() + "/instances/" + two.sopInstanceUid()).then().statusCode(500);
    }

    @Test
    void accessMatrix() {
        String study = "/dicomweb/studies/" + first.studyUid();
        String admin = TestRealm.mfaToken(TestRealm.createUser("admin"));
        String privacy = TestRealm.mfaToken(TestRealm.createUser("privacy-officer"));
        String provider = TestRealm.mfaToken(TestRealm.createUser("provider"));
        // anonymous
        given().get("/dicomweb/studies").then().statusCode(401);
        given().get(study).then().statusCode(401);
        // patient A: own study
        given().auth().oauth2(patientToken).get("/dicomweb/studies").then().statusCode(200)
                .body("'0020000D'.Value.flatten()", org.hamcrest.Matchers.hasItem(first.studyUid()));
        given().auth().oauth2(patientToken).get(study + "/metadata").then().statusCode(200);
        // patient B: nothing, and not even told that it exists
        given().auth().oauth2(otherPatientToken).get("/dicomweb/studies").then().statusCode(200)
                .body("size()", org.hamcrest.Matchers.equalTo(0));
        given().auth().oauth2(otherPatientToken).get(study).then().statusCode(404);
        given().auth().oauth2(otherPatientToken).get(study + "/metadata").then().statusCode(404);
        String instance = study + "/series/" + first.seriesUid() + "/instances/" + first.sopInstanceUid();
        given().get(instance + "/frames/1").then().statusCode(401);
        given().auth().oauth2(patientToken).get(instance + "/frames/1").then().statusCode(200);
        given().auth().oauth2(patientToken).get(instance + "/bulkdata/7FE00010").then().statusCode(200);
        given().auth().oauth2(otherPatientToken).get(instance + "/frames/1").then().statusCode(404);
        given().auth().oauth2(otherPatientToken).get(instance + "/bulkdata/7FE00010").then().statusCode(404);
        given().auth().oauth2(otherPatientToken).get(study + "/series").then().statusCode(200)
                .body("size()", org.hamcrest.Matchers.equalTo(0));
        // provider without a share
        given().auth().oauth2(provider).get(study).then().statusCode(404);
        // staff roles
        given().auth().oauth2(frontdesk).get(study + "/metadata").then().statusCode(200);
        given().auth().oauth2(privacy).get("/dicomweb/studies").then().statusCode(200);
        given().auth().oauth2(privacy).get(study).then().statusCode(403);
        given().auth().oauth2(privacy).get(instance + "/frames/1").then().statusCode(403);
        given().auth().oauth2(admin).get(instance + "/bulkdata/7FE00010").then().statusCode(403);
        given().auth().oauth2(admin).get("/dicomweb/studies").then().statusCode(403);
        given().auth().oauth2(admin).get(study).then().statusCode(403);
        given().auth().oauth2(ingest).get("/dicomweb/studies").then().statusCode(403);
        // storing: only the ingest client and the front desk
        Dicomweb.stow(patientToken, List.of(TestDicom.ct(patient).bytes())).then().statusCode(403);
        Dicomweb.stow(frontdesk, List.of(TestDicom.ct(TestDicom.Patient.random()).bytes())).then().statusCode(200);
    }

    @Test
    void qidoMatchingPagingAndIncludefield() {
        TestDicom.Patient p = TestDicom.Patient.random();
        TestDicom mr = TestDicom.ct(p).modality("MR").studyDate("20250101").accession("ACC-Q1");
        TestDicom ct = TestDicom.ct(p).modality("CT").studyDate("20250615");
        Dicomweb.stow(ingest, List.of(mr.bytes(), ct.bytes())).then().statusCode(200);

        given().auth().oauth2(frontdesk).queryParam("PatientID", p.id()).get("/dicomweb/studies").then()
                .statusCode(200).contentType("application/dicom+json").body("size()", org.hamcrest.Matchers.equalTo(2))
                .body("[0].'0020000D'.Value[0]", org.hamcrest.Matchers.equalTo(ct.studyUid()))
                .body("[0].'00081030'", org.hamcrest.Matchers.nullValue())
                .body("[0].'00100010'.Value[0].Alphabetic", org.hamcrest.Matchers.equalTo(p.name()))
                .body("[0].'00201208'.Value[0]", org.hamcrest.Matchers.equalTo(1));
        given().auth().oauth2(frontdesk).queryParam("00100020", p.id()).queryParam("StudyDate", "20250101-20250301")
                .get("/dicomweb/studies").then().body("size()", org.hamcrest.Matchers.equalTo(1))
                .body("[0].'0020000D'.Value[0]", org.hamcrest.Matchers.equalTo(mr.studyUid()));
        given().auth().oauth2(frontdesk).queryParam("PatientID", p.id()).queryParam("ModalitiesInStudy", "MR")
                .get("/dicomweb/studies").then().body("size()", org.hamcrest.Matchers.equalTo(1));
        given().auth().oauth2(frontdesk).queryParam("AccessionNumber", "ACC-Q1").get("/dicomweb/studies").then()
                .body("'0020000D'.Value.flatten()", org.hamcrest.Matchers.contains(mr.studyUid()));
        given().auth().oauth2(frontdesk).queryParam("StudyInstanceUID", mr.studyUid() + "," + ct.studyUid())
                .queryParam("limit", 1).queryParam("offset", 1).get("/dicomweb/studies").then()
                .body("size()", org.hamcrest.Matchers.equalTo(1))
                .body("[0].'0020000D'.Value[0]", org.hamcrest.Matchers.equalTo(mr.studyUid()));
        given().auth().oauth2(frontdesk).queryParam("PatientID", p.id()).queryParam("includefield", "StudyDescription")
                .get("/dicomweb/studies").then().body("[0].'00081030'.Value[0]",
                        org.hamcrest.Matchers.equalTo("CT CHEST"));
        given().auth().oauth2(frontdesk).queryParam("StudyDate", "2025").get("/dicomweb/studies").then()
                .statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(frontdesk).get("/dicomweb/studies/" + ct.studyUid() + "/series").then()
                .body("[0].'00080060'.Value[0]", org.hamcrest.Matchers.equalTo("CT"))
                .body("[0].'00201209'.Value[0]", org.hamcrest.Matchers.equalTo(1));
    }

    @Test
    void metadataIsDicomJsonWithBulkDataForPixels() {
        given().auth().oauth2(frontdesk).get("/dicomweb/studies/" + first.studyUid() + "/series/"
                + first.seriesUid() + "/instances/" + first.sopInstanceUid() + "/metadata").then().statusCode(200)
                .contentType("application/dicom+json")
                .body("size()", org.hamcrest.Matchers.equalTo(1))
                .body("[0].'00080018'.Value[0]", org.hamcrest.Matchers.equalTo(first.sopInstanceUid()))
                .body("[0].'00100010'.vr", org.hamcrest.Matchers.equalTo("PN"))
                .body("[0].'00280010'.Value[0]", org.hamcrest.Matchers.equalTo(16))
                .body("[0].'7FE00010'.BulkDataURI", org.hamcrest.Matchers.endsWith("/bulkdata/7FE00010"));
    }

    @Test
    void metadataIsKeptSealedInTheIndexAndAnswersWithoutTheImage() throws Exception {
        TestDicom.Patient someone = TestDicom.Patient.random();
        TestDicom one = TestDicom.ct(someone).number(1).seed(31);
        Dicomweb.stow(ingest, List.of(one.bytes())).then().statusCode(200);
        byte[] sealed = Dicomweb.metadataColumn(db, one.sopInstanceUid());
        assertThat(sealed).as("ingest keeps the metadata in the index").isNotNull();
        assertThat(Dicomweb.indexOf(sealed, someone.name().getBytes(StandardCharsets.US_ASCII), 0)).isEqualTo(-1);
        assertThat(Dicomweb.indexOf(sealed, one.sopInstanceUid().getBytes(StandardCharsets.US_ASCII), 0))
                .isEqualTo(-1);
        String path = "/dicomweb/studies/" + one.studyUid() + "/metadata";
        String fromIndex = given().auth().oauth2(frontdesk).get(path).then().statusCode(200).extract().asString();

        // an instance stored before the index kept metadata is read from its image, with the same answer
        Dicomweb.setMetadataColumn(db, one.sopInstanceUid(), null);
        String fromImage = given().auth().oauth2(frontdesk).get(path).then().statusCode(200).extract().asString();
        assertThat(fromIndex).isEqualTo(fromImage).contains(someone.name());

        // with the metadata back in the index, the image is not needed for it at all
        Dicomweb.setMetadataColumn(db, one.sopInstanceUid(), sealed);
        Files.delete(Dicomweb.bucketDir().resolve(Dicomweb.objectKey(db, one.sopInstanceUid())));
        assertThat(given().auth().oauth2(frontdesk).get(path).then().statusCode(200).extract().asString())
                .isEqualTo(fromIndex);
    }

    @Test
    void tamperedOrSwappedMetadataInTheIndexIsAProblemNeverServed() throws Exception {
        TestDicom.Patient someone = TestDicom.Patient.random();
        TestDicom one = TestDicom.ct(someone).number(1).seed(32);
        TestDicom two = TestDicom.ct(someone).study(one.studyUid()).series(one.seriesUid()).number(2).seed(33);
        Dicomweb.stow(ingest, List.of(one.bytes(), two.bytes())).then().statusCode(200);
        String instance = "/dicomweb/studies/" + one.studyUid() + "/series/" + one.seriesUid() + "/instances/";
        byte[] sealed = Dicomweb.metadataColumn(db, one.sopInstanceUid());
        byte[] flipped = sealed.clone();
        flipped[flipped.length / 2] ^= 0x01;
        Dicomweb.setMetadataColumn(db, one.sopInstanceUid(), flipped);
        given().auth().oauth2(frontdesk).get(instance + one.sopInstanceUid() + "/metadata").then().statusCode(500)
                .contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("integrity"));

        // the other instance's metadata under this instance's row: sealed to another object, so refused
        Dicomweb.setMetadataColumn(db, one.sopInstanceUid(), Dicomweb.metadataColumn(db, two.sopInstanceUid()));
        given().auth().oauth2(frontdesk).get(instance + one.sopInstanceUid() + "/metadata").then().statusCode(500)
                .contentType("application/problem+json");
        given().auth().oauth2(frontdesk).get(instance + two.sopInstanceUid() + "/metadata").then().statusCode(200)
                .body("[0].'00080018'.Value[0]", org.hamcrest.Matchers.equalTo(two.sopInstanceUid()));
    }
}
