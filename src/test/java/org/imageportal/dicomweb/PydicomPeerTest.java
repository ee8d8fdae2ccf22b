package org.imageportal.dicomweb;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Every DICOM JSON answer (WADO-RS metadata, QIDO-RS at each level) read by a DICOM library nobody on the project
 * wrote: pydicom's {@code Dataset.from_json}, from Debian's python3-pydicom, must accept each dataset and find the
 * values the source file holds.
 */
@QuarkusTest
class PydicomPeerTest {

    /** Reads a JSON array of datasets from the file named first; prints one line per dataset. */
    private static final String READER = """
            import json, sys
            from pydicom import Dataset
            for item in json.load(open(sys.argv[1], encoding="utf-8")):
                # pixel data comes as a BulkDataURI; reading it is WADO-RS's business, not the metadata's
                ds = Dataset.from_json(item, bulk_data_uri_handler=lambda tag, vr, uri: b"")
                print("|".join(str(ds.get(k, "")) for k in sys.argv[2:]))
            """;

    @Test
    void pydicomReadsEveryJsonAnswerWithTheSourcesValues(@TempDir Path dir) throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom first = TestDicom.ct(patient).number(1).size(24).seed(501);
        TestDicom second = TestDicom.ct(patient).study(first.studyUid()).series(first.seriesUid()).number(2)
                .size(24).seed(502).accession(first.accessionNumber());
        Dicomweb.stow(TestRealm.ingestToken(), List.of(first.bytes(), second.bytes())).then().statusCode(200);
        String desk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
        String study = "/dicomweb/studies/" + first.studyUid();

        List<String> metadata = read(dir, "metadata", given().auth().oauth2(desk).accept("application/dicom+json")
                .get(study + "/metadata").then().statusCode(200).extract().asString(), "SOPInstanceUID",
                "PatientID", "Rows", "InstanceNumber");
        assertThat(metadata).containsExactlyInAnyOrder(
                first.sopInstanceUid() + "|" + patient.id() + "|24|1",
                second.sopInstanceUid() + "|" + patient.id() + "|24|2");

        List<String> studies = read(dir, "studies", given().auth().oauth2(desk).accept("application/dicom+json")
                .queryParam("StudyInstanceUID", first.studyUid()).get("/dicomweb/studies").then().statusCode(200)
                .extract().asString(), "StudyInstanceUID", "PatientID", "AccessionNumber");
        assertThat(studies).containsExactly(first.studyUid() + "|" + patient.id() + "|" + first.accessionNumber());

        List<String> series = read(dir, "series", given().auth().oauth2(desk).accept("application/dicom+json")
                .get(study + "/series").then().statusCode(200).extract().asString(), "SeriesInstanceUID",
                "Modality");
        assertThat(series).containsExactly(first.seriesUid() + "|CT");

        List<String> instances = read(dir, "instances", given().auth().oauth2(desk).accept("application/dicom+json")
                .get(study + "/series/" + first.seriesUid() + "/instances").then().statusCode(200).extract()
                .asString(), "SOPInstanceUID");
        assertThat(instances).containsExactlyInAnyOrder(first.sopInstanceUid(), second.sopInstanceUid());
    }

    private static List<String> read(Path dir, String name, String json, String... keywords) throws Exception {
        Path file = dir.resolve(name + ".json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        Path script = dir.resolve("read.py");
        Files.writeString(script, READER, StandardCharsets.UTF_8);
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/python3", script.toString(),
                file.toString()));
        command.addAll(List.of(keywords));
        Path errors = dir.resolve(name + ".err");
        Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("pydicom finished").isTrue();
        assertThat(process.exitValue()).as("pydicom read the " + name + " answer:\n" + Files.readString(errors))
                .isZero();
        return out.lines().toList();
    }
}
