package org.imageportal.dicomweb;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** STOW-RS in, WADO-RS out, through the real Keycloak, PostgreSQL and S3 store. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StowWadoTest {

    @Inject
    DataSource db;

    String ingest;
    String frontdesk;

    @BeforeAll
    void tokens() {
        ingest = TestRealm.ingestToken();
        frontdesk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
    }

    @Test
    void storedInstancesComeBackByteForByte() {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom first = TestDicom.ct(patient).number(1).seed(1).size(64);
        TestDicom second = TestDicom.ct(patient).study(first.studyUid()).series(first.seriesUid()).number(2).seed(2)
                .size(64);
        byte[] a = first.bytes();
        byte[] b = second.bytes();

        Response stored = Dicomweb.stow(ingest, List.of(a, b));
        stored.then().statusCode(200).contentType("application/dicom+json");
        assertThat(stored.jsonPath().getList("'00081199'.Value")).hasSize(2);
        assertThat(stored.jsonPath().getString("'00081199'.Value[0].'00081190'.Value[0]"))
                .contains("/dicomweb/studies/" + first.studyUid() + "/series/");

        Response study = given().auth().oauth2(frontdesk).accept("multipart/related; type=\"application/dicom\"")
                .get("/dicomweb/studies/" + first.studyUid());
        study.then().statusCode(200);
        assertThat(study.getContentType()).startsWith("multipart/related").contains("application/dicom");
        List<byte[]> parts = Dicomweb.parts(study);
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0)).isEqualTo(a);
        assertThat(parts.get(1)).isEqualTo(b);

        Response instance = given().auth().oauth2(frontdesk).get("/dicomweb/studies/" + first.studyUid() + "/series/"
                + first.seriesUid() + "/instances/" + second.sopInstanceUid());
        assertThat(Dicomweb.parts(instance)).singleElement().isEqualTo(b);
    }

    @Test
    void pixelDataAndFramesComeBackAsTheStoredPixelBytes() {
        TestDicom dicom = TestDicom.ct(TestDicom.Patient.random()).size(64);
        byte[] file = dicom.bytes();
        // the pixel data is the last element: 64 x 64 pixels of 16 bits
        byte[] pixels = java.util.Arrays.copyOfRange(file, file.length - 64 * 64 * 2, file.length);
        Dicomweb.stow(ingest, List.of(file)).then().statusCode(200);
        String instance = "/dicomweb/studies/" + dicom.studyUid() + "/series/" + dicom.seriesUid() + "/instances/"
                + dicom.sopInstanceUid();

        // the BulkDataURI that the metadata names answers with the pixel bytes
        String uri = given().auth().oauth2(frontdesk).get(instance + "/metadata").then().statusCode(200).extract()
                .jsonPath().getString("[0].'7FE00010'.BulkDataURI");
        Response bulk = given().auth().oauth2(frontdesk)
                .accept("multipart/related; type=\"application/octet-stream\"")
                .get(java.net.URI.create(uri).getPath());
        bulk.then().statusCode(200);
        assertThat(bulk.getContentType()).startsWith("multipart/related").contains("application/octet-stream");
        assertThat(Dicomweb.parts(bulk)).singleElement().isEqualTo(pixels);

        // frames, also asked for again out of order
        assertThat(Dicomweb.parts(given().auth().oauth2(frontdesk).get(instance + "/frames/1")))
                .singleElement().isEqualTo(pixels);
        assertThat(Dicomweb.parts(given().auth().oauth2(frontdesk).get(instance + "/frames/1,1")))
                .containsExactly(pixels, pixels);
        given().auth().oauth2(frontdesk).get(instance + "/frames/2").then().statusCode(404)
                .contentType("application/problem+json");
        given().auth().oauth2(frontdesk).get(instance + "/frames/0").then().statusCode(400)
                .contentType("application/problem+json");
        given().auth().oauth2(frontdesk).get(instance + "/frames/1-2").then().statusCode(400);
        given().auth().oauth2(frontdesk).accept("multipart/related; type=\"application/dicom\"")
                .get(instance + "/frames/1").then().statusCode(406);
    }

    @Test
    void rangeOfASingleInstanceIsServed() {
        TestDicom dicom = TestDicom.ct(TestDicom.Patient.random()).size(64);
        byte[] file = dicom.bytes();
        Dicomweb.stow(ingest, List.of(file)).then().statusCode(200);
        Response range = given().auth().oauth2(frontdesk).header("Range", "bytes=128-131")
                .get("/dicomweb/studies/" + dicom.studyUid() + "/series/" + dicom.seriesUid() + "/instances/"
                        + dicom.sopInstanceUid());
        range.then().statusCode(206).header("Content-Range", "bytes 128-131/" + file.length);
        assertThat(range.asByteArray()).isEqualTo("DICM".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void partialFailureIs202WithAFailureReasonPerInstance() {
        TestDicom good = TestDicom.ct(TestDicom.Patient.random());
        byte[] notDicom = "this is the readme of a CD".repeat(20).getBytes(StandardCharsets.UTF_8);
        Response response = Dicomweb.stow(ingest, List.of(good.bytes(), notDicom));
        response.then().statusCode(202);
        assertThat(response.jsonPath().getList("'00081199'.Value")).hasSize(1);
        assertThat(response.jsonPath().getInt("'00081198'.Value[0].'00081197'.Value[0]")).isEqualTo(0xC000);
    }

    @Test
    void nothingStoredIs409() {
        byte[] file = TestDicom.ct(TestDicom.Patient.random()).size(64).bytes();
        byte[] truncated = java.util.Arrays.copyOf(file, file.length - 100);
        Response response = Dicomweb.stow(ingest, List.of(truncated));
        response.then().statusCode(409);
        assertThat(response.jsonPath().getInt("'00081198'.Value[0].'00081197'.Value[0]")).isEqualTo(0xC000);
        assertThat(response.header("X-Failure-Details")).contains("pixel data ends");
    }

    @Test
    void oversizedInstanceIsRefusedAsOutOfResources() {
        byte[] big = TestDicom.ct(TestDicom.Patient.random()).size(1500).bytes();
        Response response = Dicomweb.stow(ingest, List.of(big));
        response.then().statusCode(409);
        assertThat(response.jsonPath().getInt("'00081198'.Value[0].'00081197'.Value[0]")).isEqualTo(0xA700);
    }

    @Test
    void wrongMediaTypeIs415() {
        given().auth().oauth2(ingest).contentType("application/json").body("{}").post("/dicomweb/studies")
                .then().statusCode(415);
        given().auth().oauth2(ingest).contentType("multipart/related; type=\"application/dicom+xml\"; boundary=x")
                .body("--x--".getBytes(StandardCharsets.US_ASCII)).post("/dicomweb/studies").then().statusCode(415)
                .contentType("application/problem+json");
    }

    @Test
    void instanceOfAnotherStudyThanThePathFails() {
        TestDicom dicom = TestDicom.ct(TestDicom.Patient.random());
        Response response = Dicomweb.stow(ingest, "/dicomweb/studies/1.2.3.4", List.of(dicom.bytes()));
        response.then().statusCode(409);
        assertThat(response.jsonPath().getInt("'00081198'.Value[0].'00081197'.Value[0]")).isEqualTo(0xA900);
    }

    @Test
    void sameInstanceTwiceIsIdempotentButDifferentBytesUnderTheSameUidAreRefused() throws Exception {
        TestDicom dicom = TestDicom.ct(TestDicom.Patient.random()).seed(7);
        Dicomweb.stow(ingest, List.of(dicom.bytes())).then().statusCode(200);
        String key = Dicomweb.objectKey(db, dicom.sopInstanceUid());

        Dicomweb.stow(ingest, List.of(dicom.bytes())).then().statusCode(200);
        assertThat(Dicomweb.objectKey(db, dicom.sopInstanceUid())).isEqualTo(key);

        Response changed = Dicomweb.stow(ingest, List.of(dicom.seed(8).bytes()));
        changed.then().statusCode(409);
        assertThat(changed.jsonPath().getInt("'00081198'.Value[0].'00081197'.Value[0]")).isEqualTo(0x0111);
    }

    @Test
    void failedInstancesLeaveNoObjectAndNoRow() throws Exception {
        long before = objectCount();
        byte[] file = TestDicom.ct(TestDicom.Patient.random()).size(64).bytes();
        TestDicom truncatedSource = TestDicom.ct(TestDicom.Patient.random()).size(64);
        byte[] truncated = java.util.Arrays.copyOf(truncatedSource.bytes(), file.length - 10);
        Dicomweb.stow(ingest, List.of(truncated)).then().statusCode(409);
        assertThat(Dicomweb.objectKey(db, truncatedSource.sopInstanceUid())).isNull();
        assertThat(Dicomweb.queryString(db, "SELECT count(*) FROM portal.study WHERE study_uid = ?",
                truncatedSource.studyUid())).isEqualTo("0");
        assertThat(Dicomweb.queryString(db, "SELECT count(*) FROM portal.pending_object WHERE object_key <> ?", ""))
                .isEqualTo("0");
        assertThat(objectCount()).isEqualTo(before);
    }

    private static long objectCount() throws Exception {
        Path dir = Dicomweb.bucketDir();
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
