package org.imageportal.archive;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import javax.imageio.ImageIO;
import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.DicomTools;
import org.imageportal.dicom.ReportFiles;
import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * A patient takes their study home: the list shows what they have, and the ZIP holds the DICOM files byte for byte
 * with a DICOMDIR an independent toolkit (dcmtk) accepts, previews and a README. Nobody else's study is reachable.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StudyArchiveTest {

    @Inject
    DataSource db;

    @TempDir
    Path dir;

    String patientToken;
    String otherPatientToken;
    String frontdesk;
    String studyId;
    final Map<String, byte[]> ingested = new HashMap<>();
    final TestDicom.Patient patient = TestDicom.Patient.random();
    final String studyUid = TestDicom.newUid();

    TestRealm.User patientUser;

    @BeforeAll
    void setUp() {
        patientUser = TestRealm.createUser("patient");
        patientToken = TestRealm.mfaToken(patientUser);
        otherPatientToken = TestRealm.mfaToken(TestRealm.createUser("patient"));
        frontdesk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
    }

    /** Stores the study once (RestAssured points at the app only once it runs). */
    @BeforeEach
    void storeStudy() throws Exception {
        if (studyId != null) {
            return;
        }
        List<byte[]> parts = new ArrayList<>();
        for (int series = 1; series <= 2; series++) {
            String seriesUid = TestDicom.newUid();
            for (int image = 1; image <= 3; image++) {
                TestDicom dicom = TestDicom.ct(patient).study(studyUid).series(seriesUid).seriesNumber(series)
                        .number(image).seed(series * 10 + image).size(64);
                ingested.put(dicom.sopInstanceUid(), dicom.bytes());
                parts.add(dicom.bytes());
            }
        }
        Dicomweb.stow(TestRealm.ingestToken(), parts).then().statusCode(200);
        Dicomweb.linkAccount(db, patient.id(), patientUser.id());
        studyId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?", studyUid);
    }

    @Test
    void theStudyListShowsWhatThePatientHas() {
        Response list = given().auth().oauth2(patientToken).get("/api/studies");
        list.then().statusCode(200);
        assertThat(list.jsonPath().getList("id")).containsExactly(studyId);
        assertThat(list.jsonPath().getString("[0].studyDate")).isEqualTo("20260115");
        assertThat(list.jsonPath().getString("[0].description")).isEqualTo("CT CHEST");
        assertThat(list.jsonPath().getList("[0].modalities")).containsExactly("CT");
        assertThat(list.jsonPath().getList("[0].bodyParts")).containsExactly("CHEST");
        assertThat(list.jsonPath().getInt("[0].seriesCount")).isEqualTo(2);
        assertThat(list.jsonPath().getInt("[0].instanceCount")).isEqualTo(6);
        long total = ingested.values().stream().mapToLong(b -> b.length).sum();
        assertThat(list.jsonPath().getLong("[0].sizeBytes")).isEqualTo(total);

        given().auth().oauth2(otherPatientToken).get("/api/studies").then().statusCode(200)
                .body("size()", org.hamcrest.Matchers.is(0));
        given().auth().oauth2(frontdesk).get("/api/studies").then().statusCode(403);
    }

    @Test
    void theArchiveHoldsTheFilesAsIngestedWithADicomdirDcmtkAccepts() throws Exception {
        Response zip = given().auth().oauth2(patientToken).get("/api/studies/" + studyId + "/archive");
        zip.then().statusCode(200).contentType("application/zip").header("Cache-Control", "no-store")
                .header("Content-Disposition", "attachment; filename=\"study-" + studyId.substring(0, 8) + ".zip\"");
        Map<String, byte[]> entries = unzip(zip.asByteArray());
        assertThat(entries).containsKeys("README.txt", "DICOMDIR", "PREVIEW/SE000001.png", "PREVIEW/SE000002.png");
        assertThat(new String(entries.get("README.txt"))).contains("2 series, 6 images").contains("2026-01-15");

        Map<String, byte[]> dicomFiles = new HashMap<>();
        entries.forEach((name, bytes) -> {
            if (name.startsWith("DICOM/")) {
                assertThat(name).matches("DICOM/SE00000[12]/IM00000[1-3]");
                dicomFiles.put(name, bytes);
            }
        });
        assertThat(dicomFiles).hasSize(6);
        assertThat(dicomFiles.values()).allSatisfy(bytes -> assertThat(ingested.values())
                .anySatisfy(original -> assertThat(bytes).isEqualTo(original)));
        assertThat(dicomFiles.values().stream().map(java.util.Arrays::hashCode).distinct()).hasSize(6);

        var preview = ImageIO.read(new ByteArrayInputStream(entries.get("PREVIEW/SE000001.png")));
        assertThat(preview.getWidth()).isEqualTo(64);

        String dump = run("dcmdump", "--print-all", "DICOMDIR");
        assertThat(dump).doesNotContain("E:").doesNotContain("W:").contains("[" + studyUid + "]");
        for (String sop : ingested.keySet()) {
            assertThat(dump).contains("[" + sop + "]");
        }
        // dcmmkdir reads the directory through its offsets and checks every referenced file; nothing is new to add
        assertThat(run("dcmmkdir", "--append", "--input-directory", dir.toString(), "+r", "DICOM"))
                .doesNotContain("E:");
        assertThat(run("dcmdump", "--print-all", "DICOMDIR").split("DirectoryRecordType", -1)).hasSize(1 + 10);
    }

    /**
     * A study as a practice sends it (CT, a secondary capture lacking its series and instance numbers, an encapsulated
     * PDF from dcmtk's pdf2dcm and structured reports from its xml2dsr): the downloaded ZIP's DICOMDIR is one that
     * dicom3tools' dciodvfy finds no error in, with the record each object's class calls for.
     */
    @Test
    void theDicomdirOfAMixedStudyValidates() throws Exception {
        TestDicom.Patient mixed = TestDicom.Patient.random();
        TestDicom ct = TestDicom.ct(mixed).seriesNumber(1).number(1).size(32);
        TestDicom sc = TestDicom.ct(mixed).study(ct.studyUid()).accession(ct.accessionNumber())
                .sopClass(com.pixelmed.dicom.SOPClass.SecondaryCaptureImageStorage).modality("OT").size(32);
        Path scFile = Files.createTempFile(dir, "sc", ".dcm");
        Files.write(scFile, sc.bytes());
        runIn(scFile.getParent(), "dcmodify", "-nb", "-ma", "(0020,0011)=", "-ma", "(0020,0013)=",
                scFile.toString());
        List<byte[]> parts = new ArrayList<>(List.of(ct.bytes(), Files.readAllBytes(scFile),
                ReportFiles.pdf(mixed, ct, TestDicom.newUid(), TestDicom.newUid(), List.of("Impression: normal."))));
        String srSeries = TestDicom.newUid();
        for (ReportFiles.SrKind kind : ReportFiles.SrKind.values()) {
            parts.add(ReportFiles.sr(kind, mixed, ct, srSeries, TestDicom.newUid(), "A finding", "A conclusion"));
        }
        Dicomweb.stow(TestRealm.ingestToken(), parts).then().statusCode(200);
        String mixedId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?",
                ct.studyUid());
        Response zip = given().auth().oauth2(frontdesk).get("/api/studies/" + mixedId + "/archive");
        zip.then().statusCode(200);
        Path unpacked = Files.createTempDirectory(dir, "mixed");
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.asByteArray()))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                Path file = unpacked.resolve(entry.getName());
                Files.createDirectories(file.getParent());
                Files.write(file, in.readAllBytes());
            }
        }
        Process p = new ProcessBuilder("dciodvfy", "DICOMDIR").directory(unpacked.toFile()).redirectErrorStream(true)
                .start();
        String report = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        assertThat(report).as(report).contains("BasicDirectory").doesNotContain("Error");
        String dump = runIn(unpacked, "dcmdump", "DICOMDIR");
        assertThat(dump.split(java.util.regex.Pattern.quote("[SR DOCUMENT]"), -1)).hasSize(1 + 3);
        assertThat(dump.split(java.util.regex.Pattern.quote("[ENCAP DOC]"), -1)).hasSize(1 + 1);
        assertThat(dump.split(java.util.regex.Pattern.quote("[IMAGE]"), -1)).hasSize(1 + 2);
        assertThat(dump).doesNotContain("(0020,0011) IS (no value").doesNotContain("(0020,0013) IS (no value")
                .doesNotContain("(0008,0060) CS (no value");
    }

    /**
     * The same pixels stored native, RLE (dcmcrle), JPEG lossless (dcmcjpeg) and JPEG-LS lossless (dcmcjpls): every
     * series has a preview, and the compressed ones show exactly what the native one shows.
     */
    @Test
    void compressedSeriesHaveTheSamePreviewAsTheNativeOne() throws Exception {
        TestDicom.Patient compressed = TestDicom.Patient.random();
        String study = TestDicom.newUid();
        List<byte[]> parts = new ArrayList<>();
        String[][] tools = {{}, {"dcmcrle"}, {"dcmcjpeg", "+e1"}, {"dcmcjpls"}};
        for (int series = 1; series <= tools.length; series++) {
            byte[] file = TestDicom.ct(compressed).study(study).seriesNumber(series).seed(42).size(64).bytes();
            parts.add(tools[series - 1].length == 0
                    ? file
                    : DicomTools.convert(file, tools[series - 1][0],
                            java.util.Arrays.copyOfRange(tools[series - 1], 1, tools[series - 1].length)));
        }
        Dicomweb.stow(TestRealm.ingestToken(), parts).then().statusCode(200);
        String id = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?", study);
        Response zip = given().auth().oauth2(frontdesk).get("/api/studies/" + id + "/archive");
        zip.then().statusCode(200);
        Map<String, byte[]> entries = unzip(zip.asByteArray());
        assertThat(entries).containsKeys("PREVIEW/SE000001.png", "PREVIEW/SE000002.png", "PREVIEW/SE000003.png",
                "PREVIEW/SE000004.png");
        var nativePreview = ImageIO.read(new ByteArrayInputStream(entries.get("PREVIEW/SE000001.png")));
        for (String name : List.of("PREVIEW/SE000002.png", "PREVIEW/SE000003.png", "PREVIEW/SE000004.png")) {
            var preview = ImageIO.read(new ByteArrayInputStream(entries.get(name)));
            assertThat(preview.getWidth()).as(name).isEqualTo(nativePreview.getWidth());
            assertThat(preview.getHeight()).as(name).isEqualTo(nativePreview.getHeight());
            for (int y = 0; y < preview.getHeight(); y++) {
                for (int x = 0; x < preview.getWidth(); x++) {
                    assertThat(preview.getRGB(x, y)).as("%s at %d,%d", name, x, y)
                            .isEqualTo(nativePreview.getRGB(x, y));
                }
            }
        }
    }

    @Test
    void nobodyElseGetsTheArchive() {
        given().auth().oauth2(otherPatientToken).get("/api/studies/" + studyId + "/archive").then().statusCode(404);
        given().auth().oauth2(patientToken).get("/api/studies/" + java.util.UUID.randomUUID() + "/archive").then()
                .statusCode(404);
        given().auth().oauth2(patientToken).get("/api/studies/not-an-id/archive").then().statusCode(404);
        given().get("/api/studies/" + studyId + "/archive").then().statusCode(401);
        // a physician reaches an archive only through a grant that allows download; without one it does not exist
        given().auth().oauth2(TestRealm.mfaToken(TestRealm.createUser("provider")))
                .get("/api/studies/" + studyId + "/archive").then().statusCode(404);
        given().auth().oauth2(TestRealm.mfaToken(TestRealm.createUser("admin")))
                .get("/api/studies/" + studyId + "/archive").then().statusCode(403);
        given().auth().oauth2(frontdesk).get("/api/studies/" + studyId + "/archive").then().statusCode(200);
    }

    private Map<String, byte[]> unzip(byte[] zip) throws Exception {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                byte[] bytes = in.readAllBytes();
                entries.put(entry.getName(), bytes);
                Path file = dir.resolve(entry.getName());
                Files.createDirectories(file.getParent());
                Files.write(file, bytes);
            }
        }
        return entries;
    }

    private String run(String... command) throws Exception {
        return runIn(dir, command);
    }

    private static String runIn(Path where, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(where.toFile()).redirectErrorStream(true).start();
        try (InputStream out = p.getInputStream()) {
            String text = new String(out.readAllBytes());
            assertThat(p.waitFor()).as(String.join(" ", command) + ": " + text).isZero();
            return text;
        }
    }
}
